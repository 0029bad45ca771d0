import { UNREAD_LIMIT } from '@chat/protocol';
import { ChatClient } from './chat-client';
import type { FetchLike } from './http';
import { clientOf, outcome, recorded, settle, wait } from './testing/client-harness';
import { FakeChatServer } from './testing/fake-chat-server';

const ME = 7;
const OTHER = 8;
let server: FakeChatServer;
let clients: ChatClient[];

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
  server = new FakeChatServer();
  server.addRoom(1, [ME, OTHER]);
  server.addRoom(2, [ME, OTHER]);
  clients = [];
});

afterEach(() => {
  clients.forEach((client) => client.close());
  jest.useRealTimers();
});

function client(userId = ME, options = {}): ChatClient {
  const made = clientOf(server, server.token(userId), options);
  clients.push(made);
  return made;
}

/** A client as an app starts one: the rooms and their counts first, then the socket. */
async function started(userId = ME, options = {}): Promise<ChatClient> {
  const made = client(userId, options);
  await made.loadRooms();
  await made.connect();
  return made;
}

const countsIn = (chat: ChatClient, roomId = 1) => {
  const room = chat.store.room(roomId);
  return room && { unread: room.unread, mentions: room.mentions, lastReadSeq: room.lastReadSeq };
};

describe('loading the rooms', () => {
  it('takes each room’s counts and follows it from its last number', async () => {
    ['one', 'two @user7', 'three'].forEach((text) => server.post(OTHER, 1, text));
    server.markRead(ME, 1, 1);
    const chat = await started();
    expect(countsIn(chat)).toEqual({ unread: 2, mentions: 1, lastReadSeq: 1 });
    expect(countsIn(chat, 2)).toEqual({ unread: 0, mentions: 0, lastReadSeq: 0 });
    expect(server.latest.sent[1]).toEqual({
      type: 'resume',
      rooms: { 1: 3, 2: 0 },
      req: expect.any(String),
    });
    server.post(OTHER, 1, 'four @user7');
    server.post(ME, 1, 'mine');
    await settle();
    expect(countsIn(chat)).toEqual({ unread: 3, mentions: 2, lastReadSeq: 1 });
  });

  it('loads them again after a reconnect: a marker moved elsewhere meanwhile is not replayed', async () => {
    ['one', 'two'].forEach((text) => server.post(OTHER, 1, text));
    const chat = await started();
    server.latest.drop();
    server.markRead(ME, 1, 2);
    expect(countsIn(chat)).toEqual({ unread: 2, mentions: 0, lastReadSeq: 0 });
    await wait(250);
    expect(countsIn(chat)).toEqual({ unread: 0, mentions: 0, lastReadSeq: 2 });
  });

  it('loads them again when the answer is older than where the socket follows the room from', async () => {
    // The reviewer's race: GET /api/v1/rooms answered at 1, the socket follows the room from 3.
    server.post(OTHER, 1, 'one');
    const chat = client();
    server.hold('http');
    const loading = chat.loadRooms();
    await settle();
    ['two', 'three @user7'].forEach((text) => server.post(OTHER, 1, text));
    await chat.connect();
    server.post(OTHER, 1, 'four');
    await settle();
    server.release('http');
    const rooms = await loading;
    await settle();
    expect(countsIn(chat)).toEqual({ unread: 4, mentions: 1, lastReadSeq: 0 });
    // What it resolves with is the answer taken.
    expect(rooms[0]).toMatchObject({ id: 1, last_seq: 4, unread: 4, mentions: 1 });
    server.post(OTHER, 1, 'five');
    await settle();
    expect(countsIn(chat)).toEqual({ unread: 5, mentions: 1, lastReadSeq: 0 });
  });

  it('an old answer that comes before any change on the socket is not taken either', async () => {
    server.post(OTHER, 1, 'one');
    const chat = client();
    server.hold('http');
    const loading = chat.loadRooms();
    await settle();
    server.post(OTHER, 1, 'two @user7');
    server.markRead(ME, 1, 1);
    await chat.connect();
    server.release('http');
    await loading;
    server.post(OTHER, 1, 'three');
    await settle();
    expect(countsIn(chat)).toEqual({ unread: 2, mentions: 1, lastReadSeq: 1 });
  });

  it('reads them at most 3 times while they stay older, then keeps what it counted and says so', async () => {
    server.post(OTHER, 1, 'one');
    const old = await (await server.fetch(ROOMS_URL, signed())).text();
    let reads = 0;
    const fetch: FetchLike = async () => (
      reads++,
      { ok: true, status: 200, text: async () => old }
    );
    const chat = client(ME, { fetch });
    const problems = recorded(chat, 'problem');
    server.post(OTHER, 1, 'two');
    await chat.connect();
    server.post(OTHER, 1, 'three');
    await settle();
    await chat.loadRooms();
    expect(reads).toBe(3);
    expect(problems).toEqual([
      { detail: 'counts of room 1 were older than the socket 3 times: not taken' },
    ]);
    // Only what the socket brought: the old answer would have lost message two.
    expect(countsIn(chat)).toEqual({ unread: 1, mentions: 0, lastReadSeq: 0 });
  });

  it('loads them again after a reconnect while the first answer is on its way', async () => {
    server.post(OTHER, 1, 'one');
    const chat = client();
    await chat.connect();
    server.hold('http');
    const loading = chat.loadRooms();
    await settle();
    // Read on another device: the frames saying so are lost with the socket.
    server.hold('user');
    server.markRead(ME, 1, 1);
    server.latest.drop();
    await wait(250);
    server.release('user');
    server.release('http');
    await loading;
    await settle();
    expect(countsIn(chat)).toEqual({ unread: 0, mentions: 0, lastReadSeq: 1 });
  });

  it('does not load them after a reconnect when the app never did', async () => {
    const calls: string[] = [];
    const fetch: FetchLike = (url, init) => (calls.push(url), server.fetch(url, init));
    const chat = client(ME, { fetch });
    await chat.connect();
    server.latest.drop();
    await wait(250);
    expect(chat.state).toBe('online');
    expect(calls).toEqual([]);
  });
});

describe('counting', () => {
  it('counts the messages of others and those that mention me, and stops at the limit', async () => {
    const chat = await started();
    for (let i = 0; i < UNREAD_LIMIT + 5; i++) server.post(OTHER, 1, i % 2 ? 'hi @user7' : 'hi');
    await settle();
    expect(countsIn(chat)).toEqual({ unread: UNREAD_LIMIT, mentions: 52, lastReadSeq: 0 });
  });

  it('takes a deleted message out of the counts', async () => {
    const chat = await started();
    const [one] = ['one @user7', 'two'].map((text) => server.post(OTHER, 1, text));
    await settle();
    server.deleteMessage(one.message_id);
    await settle();
    expect(countsIn(chat)).toEqual({ unread: 1, mentions: 0, lastReadSeq: 0 });
  });

  it('a marker moved on another device moves here (read frame), and the counts with it', async () => {
    const chat = await started();
    const reads = recorded(chat, 'read');
    ['one', 'two', 'three'].forEach((text) => server.post(OTHER, 1, text));
    await settle();
    server.markRead(ME, 1, 2);
    await settle();
    expect(reads).toEqual([{ type: 'read', room_id: 1, seq: 2 }]);
    expect(countsIn(chat)).toEqual({ unread: 1, mentions: 0, lastReadSeq: 2 });
  });

  it('forgets a room lost while offline: its counts and who typed there', async () => {
    const chat = await started();
    server.post(OTHER, 1, 'one');
    await settle();
    server.latest.drop();
    server.removeMember(1, ME);
    await wait(250);
    expect(chat.store.room(1)).toBeUndefined();
    expect(countsIn(chat, 2)).toEqual({ unread: 0, mentions: 0, lastReadSeq: 0 });
  });

  it('after a resume without recovery, loads the counts again (once more if asked meanwhile)', async () => {
    server.resumeMax = 3;
    server.post(OTHER, 1, 'seen');
    let fetch: FetchLike = server.fetch;
    const chat = await started(ME, {
      fetch: ((url, init) => fetch(url, init)) satisfies FetchLike,
    });
    server.latest.drop();
    // The reconnect's first answer is older than the room's resume: taken before these came.
    const stale = await (await server.fetch(ROOMS_URL, signed())).text();
    ['a', 'b', 'c', 'd @user7'].forEach((text) => server.post(OTHER, 1, text));
    fetch = () => {
      fetch = server.fetch;
      return Promise.resolve({ ok: true, status: 200, text: async () => stale });
    };
    const resumed = recorded(chat, 'resumed');
    await wait(250);
    expect(resumed).toContainEqual({ type: 'resumed', room_id: 1, recovered: false, last_seq: 5 });
    expect(chat.store.room(1)?.messages).toEqual([]);
    expect(countsIn(chat)).toEqual({ unread: 5, mentions: 1, lastReadSeq: 0 });
  });
});

const ROOMS_URL = 'http://chat.test/api/v1/rooms';
const signed = () => ({ method: 'GET', headers: { Authorization: `Bearer ${server.token(ME)}` } });

describe('markRead', () => {
  it('moves the marker at once, then resolves with the server’s counts', async () => {
    const chat = await started();
    ['one', 'two @user7', 'three'].forEach((text) => server.post(OTHER, 1, text));
    await settle();
    const read = outcome(chat.markRead(1, 1));
    expect(countsIn(chat)).toEqual({ unread: 2, mentions: 1, lastReadSeq: 1 });
    await settle();
    expect(read).toEqual({
      state: 'resolved',
      value: expect.objectContaining({ room_id: 1, unread: 2, mentions: 1, last_read_seq: 1 }),
    });
    expect(server.marker(ME, 1)).toBe(1);
  });

  it('never moves the marker back, nor past the newest number known', async () => {
    const chat = await started();
    ['one', 'two'].forEach((text) => server.post(OTHER, 1, text));
    await settle();
    await chat.markRead(1, 2);
    await chat.markRead(1, 1);
    expect(countsIn(chat)?.lastReadSeq).toBe(2);
    const result = await chat.markRead(1, 99);
    expect(result.last_read_seq).toBe(2);
    expect(countsIn(chat)?.lastReadSeq).toBe(2);
  });

  it('tells the user’s other devices', async () => {
    const here = await started();
    const there = await started();
    server.post(OTHER, 1, 'one');
    await settle();
    await here.markRead(1, 1);
    await settle();
    expect(countsIn(there)).toEqual({ unread: 0, mentions: 0, lastReadSeq: 1 });
  });

  it('goes over HTTP while the socket is down', async () => {
    server.post(OTHER, 1, 'one');
    const chat = await started();
    server.holdConnections = true;
    server.latest.drop();
    await wait(250);
    await expect(chat.markRead(1, 1)).resolves.toMatchObject({ unread: 0, last_read_seq: 1 });
    expect(server.marker(ME, 1)).toBe(1);
  });

  it('rejects a room the user is not in, and refuses what is no id or number', async () => {
    const chat = await started();
    await expect(chat.markRead(3, 1)).rejects.toMatchObject({ code: 'not_found' });
    expect(() => chat.markRead(0, 1)).toThrow(TypeError);
    expect(() => chat.markRead(1, -1)).toThrow(TypeError);
  });
});
