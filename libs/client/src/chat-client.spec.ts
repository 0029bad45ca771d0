import { ChatClient } from './chat-client';
import { ChatSocketError } from './errors';
import type { FetchLike } from './http';
import { clientOf, outcome, recorded, settle, wait } from './testing/client-harness';
import { FakeChatServer } from './testing/fake-chat-server';

const ME = 7;
let server: FakeChatServer;
let clients: ChatClient[];

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
  server = new FakeChatServer();
  server.addRoom(1, [ME, 8]);
  server.addRoom(2, [ME]);
  clients = [];
});

afterEach(() => {
  clients.forEach((client) => client.close());
  jest.useRealTimers();
});

function client(token: Parameters<typeof clientOf>[1] = server.token(ME), options = {}) {
  const made = clientOf(server, token, options);
  clients.push(made);
  return made;
}

describe('connecting', () => {
  it('authenticates in the first frame with the token and is ready with the rooms', async () => {
    const token = server.token(ME);
    server.post(8, 1, 'before');
    const ready = await client(token).connect();
    expect(server.latest).toMatchObject({ url: 'ws://chat.test/ws', protocol: 'chat.v2' });
    expect(server.latest.sent[0]).toEqual({ type: 'auth', token, req: expect.any(String) });
    expect(ready).toEqual({
      user_id: ME,
      rooms: [
        { room_id: 1, last_seq: 1 },
        { room_id: 2, last_seq: 0 },
      ],
      reconnected: false,
    });
  });

  it('connect() while online resolves at once', async () => {
    const chat = client();
    const first = await chat.connect();
    const again = outcome(chat.connect());
    await settle();
    expect(again).toEqual({ state: 'resolved', value: first });
    expect(server.sockets).toHaveLength(1);
  });

  it('signs its HTTP calls with the token the socket uses', async () => {
    const token = server.token(ME);
    const headers: Record<string, string>[] = [];
    const fetch: FetchLike = (_, init) => {
      headers.push(init.headers);
      return Promise.resolve({ ok: true, status: 200, text: () => Promise.resolve('[]') });
    };
    await client(() => token, { fetch }).http.myRooms();
    expect(headers).toEqual([{ Authorization: `Bearer ${token}` }]);
  });

  it('goes connecting -> online -> reconnecting -> online across a drop', async () => {
    const chat = client();
    const states = recorded(chat, 'state');
    await chat.connect();
    server.latest.drop();
    await wait(250);
    expect(states).toEqual(['connecting', 'online', 'reconnecting', 'online']);
    expect(chat.state).toBe('online');
  });

  it('after a drop, sends auth then resume with the last seq of every room, and is ready again', async () => {
    const chat = client();
    const ready = recorded(chat, 'ready');
    await chat.connect();
    server.post(8, 1, 'one');
    server.post(8, 1, 'two');
    await settle();
    server.latest.drop();
    await wait(250);
    expect(server.sockets).toHaveLength(2);
    const [auth, resume] = server.latest.sent;
    expect(auth).toMatchObject({ type: 'auth' });
    expect(resume).toEqual({ type: 'resume', rooms: { 1: 2, 2: 0 }, req: expect.any(String) });
    expect(ready.map((event) => event.reconnected)).toEqual([false, true]);
  });

  it('hands on what was missed while away once each, in order', async () => {
    const chat = client();
    const seen = recorded(chat, 'message.new');
    await chat.connect();
    server.post(8, 1, 'live');
    await settle();
    server.latest.drop();
    server.post(8, 1, 'missed 1');
    server.post(8, 1, 'missed 2');
    await wait(250);
    expect(seen.map((frame) => [frame.seq, frame.message.message])).toEqual([
      [1, 'live'],
      [2, 'missed 1'],
      [3, 'missed 2'],
    ]);
    expect(chat.store.room(1)?.messages.map((message) => message.seq)).toEqual([1, 2, 3]);
  });
});

describe('reconnecting', () => {
  it('waits with full jitter, doubling up to the cap, while the server is down', async () => {
    const chat = client();
    await chat.connect();
    server.up = false;
    server.latest.drop();
    await wait(20_000);
    const madeAt = server.sockets.map((socket) => socket.createdAt);
    const waits = madeAt.slice(1).map((at, i) => at - madeAt[i]);
    expect(waits).toEqual([250, 500, 1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('follows the random share it is given within each ceiling', async () => {
    // The first share sets the heartbeat's jitter when the socket is ready; the rest the waits.
    const shares = [0.5, 0, 0.999, 0.2];
    const chat = client(undefined, { random: () => shares.shift() ?? 1 });
    await chat.connect();
    server.up = false;
    server.latest.drop();
    await wait(5_400);
    const madeAt = server.sockets.map((socket) => socket.createdAt);
    expect(madeAt.slice(1).map((at, i) => at - madeAt[i])).toEqual([0, 999, 400, 4_000]);
  });

  it('starts again from the shortest wait once it got back in', async () => {
    const chat = client();
    await chat.connect();
    server.up = false;
    server.latest.drop();
    await wait(250 + 500 + 1_000);
    server.up = true;
    await wait(2_000);
    expect(chat.state).toBe('online');
    const back = server.sockets.length;
    server.latest.drop();
    await wait(249);
    expect(server.sockets).toHaveLength(back);
    await wait(1);
    expect(server.sockets).toHaveLength(back + 1);
  });

  it('gives up on a socket that never opens and tries another', async () => {
    server.holdConnections = true;
    const chat = client(undefined, { requestTimeoutMs: 1_000 });
    const connected = outcome(chat.connect());
    await wait(999);
    expect(server.sockets).toHaveLength(1);
    await wait(1 + 250);
    expect(server.sockets).toHaveLength(2);
    expect(server.sockets[0].readyState).toBe(3);
    server.accept();
    await settle();
    expect(connected.state).toBe('resolved');
    expect(chat.state).toBe('online');
  });

  it('drops a socket that stops answering a request, and the message goes on the next one', async () => {
    const chat = client(undefined, { requestTimeoutMs: 1_000 });
    await chat.connect();
    server.latest.silence();
    const sent = outcome(chat.send(1, 'hello'));
    await wait(999);
    expect(server.sockets).toHaveLength(1);
    await wait(1 + 250);
    expect(server.sockets).toHaveLength(2);
    await wait(250);
    expect(sent.state).toBe('resolved');
    expect(server.stored(1).map((message) => message.message)).toEqual(['hello']);
  });
});

describe('the token', () => {
  const SECOND = 1_000;

  it('asks a token function again before expiry and sends the fresh one as auth on the same socket', async () => {
    const first = server.token(ME, { expiresAt: 100 * SECOND });
    const second = server.token(ME, { expiresAt: 200 * SECOND });
    const tokens = [first, second];
    const chat = client(() => tokens.shift() ?? second);
    await chat.connect();
    await wait(90 * SECOND - 1);
    expect(server.latest.sent.filter((frame) => frame.type === 'auth')).toHaveLength(1);
    await wait(1);
    expect(server.latest.sent.at(-1)).toEqual({
      type: 'auth',
      token: second,
      req: expect.any(String),
    });
    await wait(60 * SECOND);
    await expect(chat.send(1, 'after the first expired')).resolves.toMatchObject({ seq: 1 });
    expect(server.sockets).toHaveLength(1);
  });

  it('renews a token that lasts longer than a timer can reach only near its expiry', async () => {
    const DAY = 24 * 3600 * SECOND;
    const chat = client(() => server.token(ME, { expiresAt: Date.now() + 60 * DAY }));
    await chat.connect();
    const auths = () => server.latest.sent.filter((frame) => frame.type === 'auth').length;
    await wait(59 * DAY);
    expect(auths()).toBe(1);
    await wait(DAY - 60 * SECOND);
    expect(auths()).toBe(2);
  });

  it('ends the session when the token expired and the app has no other', async () => {
    const token = server.token(ME, { expiresAt: 10 * SECOND });
    const chat = client(token);
    const ended = recorded(chat, 'session.ended');
    await chat.connect();
    await wait(10 * SECOND);
    outcome(chat.send(1, 'too late'));
    await wait(250);
    expect(ended).toEqual([{ code: 'token_expired', detail: 'Token expired' }]);
    expect(chat.state).toBe('closed');
  });

  it('rejects connect() when the only token is already expired', async () => {
    const token = server.token(ME, { expiresAt: 0 });
    const connected = outcome(client(token).connect());
    await wait(250);
    expect(connected.value).toEqual(new ChatSocketError('token_expired', 'Token expired'));
    expect((connected.value as ChatSocketError).code).toBe('token_expired');
  });

  it('reconnects with a fresh token from the function after token_expired', async () => {
    const tokens = [server.token(ME, { expiresAt: 0 }), server.token(ME)];
    const chat = client(() => tokens[0]);
    const connected = outcome(chat.connect());
    await settle();
    tokens.shift();
    await wait(250);
    expect(connected.state).toBe('resolved');
    expect(server.latest.sent[0]).toMatchObject({ type: 'auth', token: tokens[0] });
  });

  it('ends the session on invalid_token, and never tries again', async () => {
    const token = server.token(ME);
    server.revoke(token);
    const chat = client(token);
    const ended = recorded(chat, 'session.ended');
    await expect(chat.connect()).rejects.toMatchObject({ code: 'invalid_token' });
    await wait(60_000);
    expect(ended).toHaveLength(1);
    expect(server.sockets).toHaveLength(1);
    expect(chat.state).toBe('closed');
  });
});

describe('a connection that dies without a close', () => {
  it('is noticed by the heartbeat when nothing is sent, and replaced', async () => {
    const chat = client(undefined, { heartbeatMs: 5_000, requestTimeoutMs: 1_000 });
    await chat.connect();
    server.latest.silence();
    await wait(5_000 + 999);
    expect(server.sockets).toHaveLength(1);
    expect(chat.state).toBe('online');
    await wait(1 + 250);
    expect(server.sockets).toHaveLength(2);
    expect(chat.state).toBe('online');
  });

  it('sends no heartbeat while frames keep coming', async () => {
    const chat = client(undefined, { heartbeatMs: 5_000 });
    await chat.connect();
    for (let i = 0; i < 4; i++) {
      await wait(4_000);
      server.post(8, 1, `message ${i}`);
    }
    expect(server.latest.sent.filter((frame) => frame.type === 'resume')).toEqual([]);
  });

  it('is replaced when the browser goes offline, and at once when it is back online', async () => {
    const browser = new EventTarget();
    Object.assign(globalThis, {
      addEventListener: browser.addEventListener.bind(browser),
      removeEventListener: browser.removeEventListener.bind(browser),
    });
    try {
      const chat = client();
      await chat.connect();
      server.latest.silence();
      server.up = false;
      browser.dispatchEvent(new Event('offline'));
      await settle();
      expect(chat.state).toBe('reconnecting');
      await wait(60_000);
      server.up = true;
      const before = server.sockets.length;
      browser.dispatchEvent(new Event('online'));
      await settle();
      expect(server.sockets).toHaveLength(before + 1);
      expect(chat.state).toBe('online');
    } finally {
      delete (globalThis as { addEventListener?: unknown }).addEventListener;
      delete (globalThis as { removeEventListener?: unknown }).removeEventListener;
    }
  });
});

describe('events for apps that route them', () => {
  it("hands every event frame on as 'frame' too, after its own event", async () => {
    const chat = client();
    const order: string[] = [];
    chat.on('message.new', () => order.push('message.new'));
    chat.on('frame', (frame) => order.push(`frame ${frame.type}`));
    await chat.connect();
    server.post(8, 1, 'hi');
    await settle();
    expect(order).toEqual(['message.new', 'frame message.new']);
  });

  it("tells of every change to the messages waiting, via 'pending'", async () => {
    const chat = client();
    const changes = recorded(chat, 'pending');
    await chat.connect();
    server.refuseNext('message.send', 'rate_limited');
    const sent = outcome(chat.send(2, 'soon'));
    await settle();
    expect(chat.pending(2)).toEqual([
      expect.objectContaining({ text: 'soon', lastError: expect.any(String) }),
    ]);
    await wait(1_000);
    expect(sent.state).toBe('resolved');
    expect(chat.pending()).toEqual([]);
    expect(changes).toEqual([{ room_id: 2 }, { room_id: 2 }, { room_id: 2 }]);
  });
});
