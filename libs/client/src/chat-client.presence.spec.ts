import { TYPING_SHOWN_MS, TYPING_THROTTLE_MS } from '@chat/protocol';
import { ChatClient } from './chat-client';
import { clientOf, outcome, recorded, settle, wait } from './testing/client-harness';
import { FakeChatServer } from './testing/fake-chat-server';

const ME = 7;
const OTHER = 8;
const THIRD = 9;
let server: FakeChatServer;
let clients: ChatClient[];

beforeEach(() => {
  jest.useFakeTimers({ now: 0 });
  server = new FakeChatServer();
  server.addRoom(1, [ME, OTHER, THIRD]);
  server.addRoom(2, [ME, OTHER]);
  clients = [];
});

afterEach(() => {
  clients.forEach((client) => client.close());
  jest.useRealTimers();
});

async function connected(userId = ME, options = {}): Promise<ChatClient> {
  const made = clientOf(server, server.token(userId), options);
  clients.push(made);
  await made.connect();
  return made;
}

describe('typing', () => {
  it('sends one typing frame per room per throttle, however often it is called', async () => {
    const chat = await connected();
    const socket = server.latest;
    const sent = () => socket.sent.filter((frame) => frame.type === 'typing');
    expect([chat.typing(1), chat.typing(1), chat.typing(2)]).toEqual([true, false, true]);
    await wait(TYPING_THROTTLE_MS - 1);
    expect(chat.typing(1)).toBe(false);
    await wait(1);
    expect(chat.typing(1)).toBe(true);
    expect(sent()).toEqual([
      { type: 'typing', room_id: 1, req: expect.any(String) },
      { type: 'typing', room_id: 2, req: expect.any(String) },
      { type: 'typing', room_id: 1, req: expect.any(String) },
    ]);
  });

  it('sends nothing while offline, and refuses a room id that is not one', async () => {
    server.holdConnections = true;
    const chat = clientOf(server, server.token(ME));
    clients.push(chat);
    chat.connect().catch(() => undefined);
    await settle();
    expect(chat.typing(1)).toBe(false);
    expect(server.sockets.flatMap((socket) => socket.sent)).toEqual([]);
    expect(() => chat.typing(0)).toThrow(TypeError);
  });

  it('shows who types for 5 s, longer when repeated, and no more once their message comes', async () => {
    const me = await connected();
    const other = await connected(OTHER);
    const third = await connected(THIRD);
    const changes = recorded(me, 'typing');
    other.typing(1);
    await settle();
    third.typing(1);
    await settle();
    expect(me.store.room(1)?.typing).toEqual([OTHER, THIRD]);
    expect(changes).toEqual([
      { type: 'typing', room_id: 1, user_id: OTHER },
      { type: 'typing', room_id: 1, user_id: THIRD },
    ]);
    // Their own typing is not shown to themselves.
    expect(other.store.room(1)?.typing).toEqual([THIRD]);

    await wait(TYPING_THROTTLE_MS);
    other.typing(1);
    await settle();
    await wait(TYPING_SHOWN_MS - TYPING_THROTTLE_MS);
    expect(me.store.room(1)?.typing).toEqual([OTHER]);
    await other.send(1, 'done typing');
    await settle();
    expect(me.store.room(1)?.typing).toEqual([]);
  });

  it('tells store subscribers when someone starts and stops typing', async () => {
    const me = await connected();
    const other = await connected(OTHER);
    const changed: number[] = [];
    me.store.subscribe((roomId) => changed.push(roomId));
    other.typing(2);
    await settle();
    await wait(TYPING_SHOWN_MS);
    expect(changed).toEqual([2, 2]);
    expect(me.store.room(2)?.typing).toEqual([]);
  });

  it('leaves no typing timer behind once closed, so a Node process can exit', async () => {
    const me = await connected();
    const other = await connected(OTHER);
    other.typing(1);
    await settle();
    expect(me.store.room(1)?.typing).toEqual([OTHER]);
    other.close();
    me.close();
    expect(me.store.room(1)?.typing).toEqual([]);
    expect(jest.getTimerCount()).toBe(0);
  });
});

describe('presence', () => {
  it('keeps each user’s status from presence frames, for store subscribers too', async () => {
    const me = await connected();
    const heard: number[] = [];
    me.store.subscribePresence((userId) => heard.push(userId));
    const other = await connected(OTHER);
    await settle();
    expect(me.store.presence(OTHER)).toBe('online');
    await other.setPresence('away');
    await settle();
    expect(me.store.presence(OTHER)).toBe('away');
    other.close();
    await settle();
    expect(me.store.presence(OTHER)).toBe('offline');
    expect(heard).toEqual([OTHER, OTHER, OTHER]);
  });

  it('watchPresence loads the users’ status over HTTP, and again after a reconnect', async () => {
    const other = await connected(OTHER);
    await other.setPresence('away');
    const me = await connected();
    await me.watchPresence([OTHER, THIRD, OTHER]);
    expect([me.store.presence(OTHER), me.store.presence(THIRD)]).toEqual(['away', 'offline']);
    // Missed while this socket was down: THIRD came and went, OTHER came back.
    server.sockets.at(-1)!.drop();
    await connected(THIRD);
    await other.setPresence('online');
    server.holdConnections = true;
    await wait(250);
    expect(me.store.presence(OTHER)).toBe('away');
    server.accept();
    await settle();
    expect([me.store.presence(OTHER), me.store.presence(THIRD)]).toEqual(['online', 'online']);
    await expect(me.watchPresence([1.5])).rejects.toThrow(TypeError);
  });

  it('watchPresence before the first socket is ready loads the users again once it is', async () => {
    const me = clientOf(server, server.token(ME));
    clients.push(me);
    // An app shows a room's members, the user among them, while its socket is still connecting.
    await me.watchPresence([ME, OTHER]);
    expect([me.store.presence(ME), me.store.presence(OTHER)]).toEqual(['offline', 'offline']);
    // OTHER comes before this socket is there to be told.
    await connected(OTHER);
    await me.connect();
    await settle();
    expect([me.store.presence(ME), me.store.presence(OTHER)]).toEqual(['online', 'online']);
  });

  it('keeps the newest answer when two loads of the same users cross', async () => {
    const me = await connected();
    server.hold('http');
    const older = me.watchPresence([OTHER]);
    await settle();
    await connected(OTHER);
    server.sockets[0].drop();
    await wait(250);
    // The older load was answered when OTHER was offline, the reconnect's since: newest first.
    server.release('http', { newestFirst: true });
    await older;
    await settle();
    expect(me.store.presence(OTHER)).toBe('online');
  });

  it('keeps an older answer when the newer load of the same users fails', async () => {
    // OTHER went away before this socket was there: only a load tells it.
    const other = await connected(OTHER);
    await other.setPresence('away');
    const me = await connected();
    server.hold('http');
    const older = me.watchPresence([OTHER]);
    await settle();
    server.refuseNextRequest('GET /api/v1/presence', 500, 'Internal server error');
    server.sockets[1].drop();
    await wait(250);
    server.release('http');
    await older;
    await settle();
    expect(me.store.presence(OTHER)).toBe('away');
  });

  /** OTHER goes away while this user's load of OTHER's presence, answered before that, is held. */
  async function awayWhileLoading() {
    const other = await connected(OTHER);
    const me = await connected();
    server.hold('http');
    const load = me.watchPresence([OTHER]);
    await settle();
    await other.setPresence('away');
    await settle();
    expect(me.store.presence(OTHER)).toBe('away');
    return { other, me, load };
  }

  it('keeps a presence frame that came while a load was on its way over the load’s answer', async () => {
    const { other, me, load } = await awayWhileLoading();
    server.release('http');
    await load;
    await settle();
    expect(me.store.presence(OTHER)).toBe('away');
    // The next load of OTHER (the reload after a reconnect) is taken as usual.
    server.sockets[1].drop();
    await other.setPresence('online');
    await wait(250);
    await settle();
    expect(me.store.presence(OTHER)).toBe('online');
  });

  it('keeps the frame over the older answer of a load that outlived its socket', async () => {
    const { me, load } = await awayWhileLoading();
    // This socket drops and the reload after the reconnect fails: the first load's answer, read
    // while OTHER was online, is all that comes.
    server.sockets[1].drop();
    server.refuseNextRequest('GET /api/v1/presence', 500, 'Internal server error');
    await wait(250);
    server.release('http');
    await load;
    await settle();
    expect(me.store.presence(OTHER)).toBe('away');
  });

  it('setPresence tells the server, and tells each new socket again after a drop', async () => {
    const me = await connected();
    const other = await connected(OTHER);
    await me.setPresence('away');
    expect(server.presenceOf(ME)).toBe('away');
    server.sockets[0].drop();
    await wait(250);
    expect(server.sockets.at(-1)!.sent.map((frame) => frame.type)).toContain('presence');
    expect(server.presenceOf(ME)).toBe('away');
    await settle();
    expect(other.store.presence(ME)).toBe('away');
    await me.setPresence('online');
    expect(server.presenceOf(ME)).toBe('online');
    await expect(me.setPresence('busy' as 'away')).rejects.toThrow(TypeError);
  });

  it('sends only the latest status once the one on its way is answered', async () => {
    const me = await connected();
    const socket = server.latest;
    const statuses = () =>
      socket.sent.filter((frame) => frame.type === 'presence').map((frame) => frame.status);
    await Promise.all([me.setPresence('away'), me.setPresence('online'), me.setPresence('away')]);
    expect(statuses()).toEqual(['away']);
    expect(server.presenceOf(ME)).toBe('away');
    await Promise.all([me.setPresence('online'), me.setPresence('away'), me.setPresence('online')]);
    expect(statuses()).toEqual(['away', 'online']);
    expect(server.presenceOf(ME)).toBe('online');
  });

  it('sends a status refused as too frequent again a moment later, the latest one', async () => {
    const me = await connected();
    server.refuseNext('presence', 'rate_limited');
    const set = outcome(me.setPresence('away'));
    await settle();
    expect(server.presenceOf(ME)).toBe('online');
    expect(set.state).toBe('pending');
    await wait(2_000);
    expect(server.presenceOf(ME)).toBe('away');
    expect(set.state).toBe('resolved');
  });

  it('while offline setPresence waits for the next socket', async () => {
    const me = await connected();
    server.holdConnections = true;
    server.latest.drop();
    await wait(250);
    const set = outcome(me.setPresence('away'));
    await settle();
    expect(set.state).toBe('resolved');
    server.accept();
    await settle();
    expect(server.presenceOf(ME)).toBe('away');
  });

  it('keeps the online count of a large room from presence.count and loadRoomPresence', async () => {
    const me = await connected();
    await connected(OTHER);
    await expect(me.loadRoomPresence(1)).resolves.toBe(2);
    expect(me.store.room(1)?.online).toBe(2);
    server.sockets[0].deliver({ type: 'presence.count', room_id: 1, online: 40 });
    await settle();
    expect(me.store.room(1)?.online).toBe(40);
    expect(me.store.room(2)?.online).toBeUndefined();
  });
});
