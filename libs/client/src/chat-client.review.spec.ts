// Behaviours a hostile review found missing, each a test that failed before its fix.
import type { ChatClient } from './chat-client';
import { ChatSocketError } from './errors';
import { clientOf, outcome, recorded, settle, wait } from './testing/client-harness';
import { FakeChatServer } from './testing/fake-chat-server';

const ME = 7;
let server: FakeChatServer;
let clients: ChatClient[];

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
  server = new FakeChatServer();
  server.addRoom(1, [ME, 8]);
  clients = [];
});

afterEach(() => {
  clients.forEach((client) => client.close());
  jest.useRealTimers();
});

function client(token: Parameters<typeof clientOf>[1] = server.token(ME)) {
  const made = clientOf(server, token);
  clients.push(made);
  return made;
}

/** A change of room 1 numbered by the server in a shape this version of the SDK cannot read. */
function serverAddsChange(change: Record<string, unknown>): void {
  const internals = server as unknown as {
    rooms: Map<number, { changes: unknown[] }>;
    broadcast(roomId: number, change: unknown): void;
  };
  const room = internals.rooms.get(1)!;
  const frame = { room_id: 1, seq: room.changes.length + 1, ...change };
  room.changes.push(frame);
  internals.broadcast(1, frame);
}

describe('a change this version cannot read', () => {
  it('is skipped in its place, reported, and the room goes on', async () => {
    const chat = client();
    const heard = recorded(chat, 'message.new');
    const problems = recorded(chat, 'problem');
    await chat.connect();
    server.post(8, 1, 'before');
    await settle();
    serverAddsChange({ type: 'member.left', user_id: 8, reason: 'banned' });
    server.post(8, 1, 'after');
    await wait(60_000);
    expect(heard.map((frame) => frame.message.message)).toEqual(['before', 'after']);
    expect(problems).toEqual([
      expect.objectContaining({ detail: expect.stringMatching(/reason/) }),
    ]);
    expect(server.sockets).toHaveLength(1);
    expect(chat.lastSeq(1)).toBe(3);
  });

  it('of an unknown type is ignored and takes no number', async () => {
    const chat = client();
    const problems = recorded(chat, 'problem');
    await chat.connect();
    server.latest.deliver({ type: 'reaction.added', room_id: 1, seq: 1 });
    server.post(8, 1, 'first');
    await settle();
    expect(chat.store.room(1)?.messages.map((m) => m.message)).toEqual(['first']);
    expect(problems).toEqual([{ detail: 'Unknown frame type', data: expect.anything() }]);
  });
});

describe('listeners and lifecycles', () => {
  it('a problem listener that throws is called once, not about itself', async () => {
    const chat = client();
    let calls = 0;
    chat.on('problem', () => {
      calls += 1;
      throw new Error('a bug in the app');
    });
    await chat.connect();
    server.latest.deliver('not json');
    await settle();
    expect(calls).toBe(1);
  });

  it('close() while connecting rejects connect() as closed', async () => {
    server.up = false;
    const chat = client();
    const connected = outcome(chat.connect());
    await wait(1_000);
    chat.close();
    await settle();
    expect(connected).toEqual({
      state: 'rejected',
      value: new ChatSocketError('closed', 'The client was closed'),
    });
  });

  it('ends the session at once when the token function has no token', async () => {
    const chat = client(() => '');
    await expect(chat.connect()).rejects.toMatchObject({ code: 'invalid_token' });
    expect(server.sockets).toHaveLength(0);
  });

  it('refuses to follow a room from a number that is not one', () => {
    const chat = client();
    expect(() => chat.follow(1, Number.NaN)).toThrow(TypeError);
    expect(() => chat.follow(0, 5)).toThrow(TypeError);
    expect(() => chat.follow(1, -1)).toThrow(TypeError);
  });
});

describe('token renewal with a wrong clock', () => {
  it('asks for a token at most every 30 s when every token looks expired already', async () => {
    let issued = 0;
    const internals = server as unknown as { tokens: Map<string, { userId: number }> };
    const token = () => {
      issued += 1;
      // Valid for the server, expired an hour ago by this client's clock.
      const exp = (Date.now() - 3_600_000) / 1000;
      const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
      const jwt = `${encode({ alg: 'HS256' })}.${encode({ sub: '7', n: issued, exp })}.sig`;
      internals.tokens.set(jwt, { userId: ME });
      return jwt;
    };
    await client(token).connect();
    await wait(60_000);
    expect(issued).toBeLessThanOrEqual(3);
  });
});
