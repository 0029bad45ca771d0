import type { Socket } from 'node:net';
import { ChatClient, Frame, settle } from './support/chat-client';
import { createUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const FRAMES = 1_000;
const RATE_LIMITED = { event: 'send user message', message: 'Rate limit exceeded' };

/** Sends every frame in one TCP write, as a client flushing a queue of typed messages does. */
function sendInOneWrite(client: ChatClient, frames: object[]): void {
  const raw = (client.socket as unknown as { _socket: Socket })._socket;
  raw.cork();
  for (const frame of frames) client.send(frame);
  process.nextTick(() => raw.uncork());
}

const burst = (tag: string) =>
  Array.from({ length: FRAMES }, (_, i) => ({ message: `${tag} ${i}`, client_id: `${tag}-${i}` }));

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not within 20 s`);
    await settle(50);
  }
}

describe('a burst of 1,000 frames in one write', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '100000', MESSAGE_RATE_BURST: '100000' });
  });
  afterAll(() => t.close());

  it('stores every frame once, in order, and broadcasts each once', async () => {
    const user = await createUser(t);
    const sender = await ChatClient.connect(t.baseUrl, user.token);
    const listener = await ChatClient.connect(t.baseUrl);
    const frames = burst('burst');
    sendInOneWrite(sender, frames);

    const received = await waitForMessages(listener, FRAMES);
    expect(received.map((f) => f.message)).toEqual(frames.map((f) => f.message));
    const rows = await t.db.query('SELECT text FROM messages WHERE user_id = $1 ORDER BY id', [
      user.id,
    ]);
    expect(rows.map((row: { text: string }) => row.text)).toEqual(frames.map((f) => f.message));
    await waitForMessages(sender, FRAMES);
    expect(sender.frames.filter((f) => 'event' in f)).toEqual([]);
    sender.close();
    listener.close();
  }, 60_000);
});

describe('a burst over the configured rate', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '1', MESSAGE_RATE_BURST: '100' });
  });
  afterAll(() => t.close());

  it('refuses what is over the rate limit and stores the rest in order', async () => {
    const user = await createUser(t);
    const sender = await ChatClient.connect(t.baseUrl, user.token);
    const frames = burst('limited');
    sendInOneWrite(sender, frames);
    const answered = () => sender.frames.length >= FRAMES;
    await waitFor(answered, 'an answer to every frame');

    const refused = sender.frames.filter((f) => f.event === 'send user message');
    const stored = sender.frames.filter((f) => !('event' in f));
    expect(refused.every((f) => f.message === RATE_LIMITED.message)).toBe(true);
    expect(stored.length).toBeGreaterThanOrEqual(100);
    expect(refused.length).toBe(FRAMES - stored.length);
    expect(refused.length).toBeGreaterThan(0);
    const rows = await t.db.query('SELECT text FROM messages WHERE user_id = $1 ORDER BY id', [
      user.id,
    ]);
    expect(rows.map((row: { text: string }) => row.text)).toEqual(stored.map((f) => f.message));
    expect(stored.slice(0, 100).map((f) => f.message)).toEqual(
      frames.slice(0, 100).map((f) => f.message),
    );
    expect(sender.socket.readyState).toBe(sender.socket.OPEN);
    sender.close();
  }, 60_000);
});

/** ChatClient.messages waits 5 s; a burst to a busy machine may take longer. */
async function waitForMessages(client: ChatClient, count: number): Promise<Frame[]> {
  const messages = () => client.frames.filter((f) => !('event' in f));
  await waitFor(() => messages().length >= count, `${count} messages`);
  return messages();
}
