import { Socket } from 'node:net';
import { ConnectionRegistry } from '@chat/realtime';
import { ChatClient, settle } from './support/chat-client';
import { createUser } from './support/factories';
import { readMetrics } from './support/metrics';
import { startTestApp, TestApp } from './support/test-app';

const MESSAGES = 4_000;
const CHUNK = 25;
// 1000 emoji: the largest text a message may hold, about 4 KB on the wire.
const BIG_TEXT = '😀'.repeat(1000);

describe('a client that stops reading', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      WS_MAX_BUFFERED_BYTES: String(256 * 1024),
      MESSAGE_RATE_LIMIT: '100000',
      MESSAGE_RATE_BURST: '100000',
    });
  });
  afterAll(() => t.close());

  it('is disconnected once its unsent data passes the bound; the others keep receiving', async () => {
    const sender = await createUser(t);
    const registry = t.app.get(ConnectionRegistry);
    const writer = await ChatClient.connect(t.baseUrl, sender.token);
    const reader = await ChatClient.connect(t.baseUrl);
    const stalled = await ChatClient.connect(t.baseUrl);
    const stalledSocket = (stalled.socket as unknown as { _socket: Socket })._socket;
    stalledSocket.pause();
    expect(registry.size).toBe(3);

    // About 16 MB in all, far more than the kernel buffers between the server and the client.
    for (let sent = 0; sent < MESSAGES; sent += CHUNK) {
      for (let i = 0; i < CHUNK; i++) writer.send({ message: BIG_TEXT });
      await writer.messages(sent + CHUNK);
    }

    expect((await reader.messages(MESSAGES)).length).toBe(MESSAGES);
    expect(registry.size).toBe(2);
    const metrics = await readMetrics(t);
    expect(metrics.get('chat_ws_slow_consumer_disconnects_total')).toBe(1);
    expect(metrics.get('chat_ws_connections')).toBe(2);

    stalledSocket.resume();
    expect((await stalled.closed).code).toBe(1006);
    expect(stalled.frames.length).toBeLessThan(MESSAGES);

    writer.send({ message: 'after the drop' });
    expect((await reader.next((f) => f.message === 'after the drop')).message).toBe(
      'after the drop',
    );
    writer.close();
    reader.close();
    await settle();
  }, 120_000);
});

describe('a peer that stops answering pings', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ WS_PING_INTERVAL_SECONDS: '1' });
  });
  afterAll(() => t.close());

  it('is dropped after a missed ping while a live peer stays', async () => {
    const registry = t.app.get(ConnectionRegistry);
    const live = await ChatClient.connect(t.baseUrl);
    const silent = await ChatClient.connect(t.baseUrl);
    // A paused socket reads nothing, so it never sees a ping nor answers it.
    (silent.socket as unknown as { _socket: Socket })._socket.pause();
    expect(registry.size).toBe(2);

    const deadline = Date.now() + 5_000;
    while (registry.size > 1 && Date.now() < deadline) await settle(100);
    expect(registry.size).toBe(1);
    expect(live.socket.readyState).toBe(live.socket.OPEN);
    live.close();
  });
});
