import { connect } from 'node:net';
import { WebSocket } from 'ws';
import { settle } from './support/chat-client';
import { startTestApp, TestApp } from './support/test-app';

const CAP = 3;

const statusOf = (socket: WebSocket | number) => (socket instanceof WebSocket ? 'open' : socket);

describe('the per-address socket cap', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      WS_MAX_CONNECTIONS_PER_ADDRESS: String(CAP),
      TRUST_PROXY: 'loopback',
    });
  });
  afterAll(() => t.close());

  /** Opens a socket as if from `address`; the HTTP status when the handshake is refused. */
  const open = (address: string): Promise<WebSocket | number> => {
    const socket = new WebSocket(`${t.baseUrl.replace(/^http/, 'ws')}/ws`, {
      headers: { 'X-Forwarded-For': address },
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(socket));
      socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
      socket.once('error', reject);
    });
  };
  const closeAll = async (sockets: (WebSocket | number)[]) => {
    for (const socket of sockets) if (socket instanceof WebSocket) socket.close();
    await settle(200);
  };

  it('counts every address of one IPv6 /64 together', async () => {
    const opened = [];
    for (let i = 1; i <= CAP; i++) opened.push(await open(`2001:db8:1:2::${i}`));
    expect(opened.every((socket) => socket instanceof WebSocket)).toBe(true);
    expect(statusOf(await open('2001:db8:1:2:ffff:ffff:ffff:ffff'))).toBe(429);
    const otherNetwork = await open('2001:db8:1:3::1');
    expect(otherNetwork).toBeInstanceOf(WebSocket);
    await closeAll([...opened, otherNetwork]);
  });

  it('counts an IPv4-mapped IPv6 address as its IPv4 address', async () => {
    const opened = [];
    for (let i = 0; i < CAP; i++) opened.push(await open('198.51.100.9'));
    expect(statusOf(await open('::ffff:198.51.100.9'))).toBe(429);
    await closeAll(opened);
  });

  it('stays up when clients hang up right after their upgrade request, and counts none of them', async () => {
    const url = new URL(t.baseUrl);
    const upgrade =
      `GET /ws HTTP/1.1\r\nHost: ${url.host}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n` +
      `Sec-WebSocket-Protocol: chat.v2\r\nX-Forwarded-For: 203.0.113.7\r\n\r\n`;
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      // The reset reaches the server between the handshake and the gateway seeing the socket.
      for (let i = 0; i < 20; i++) {
        await new Promise<void>((resolve) => {
          const client = connect(Number(url.port), url.hostname, () =>
            client.write(upgrade, () => {
              client.destroy();
              resolve();
            }),
          );
          client.on('error', () => resolve());
        });
      }
      await settle(500);
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(uncaught.map(String)).toEqual([]);
    // None of them holds a place under the address: its full share still opens.
    const opened = [];
    for (let i = 0; i < CAP; i++) opened.push(await open('203.0.113.7'));
    expect(opened.every((socket) => socket instanceof WebSocket)).toBe(true);
    await closeAll(opened);
  });
});
