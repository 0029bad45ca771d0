import { randomBytes } from 'node:crypto';
import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

/** How long presence may take to converge on every instance (issue #19). */
const CONVERGE_MS = 2_000;
const GENERAL_ROOM = 1;

/**
 * Presence and typing on two instances of one deployment over Redis: alice, bob and carol share
 * a private room; dave shares only the general room with them, which is above the presence limit,
 * so he sees its online count and nothing of each of them.
 */
describe('presence and typing on two instances', () => {
  let east: TestApp;
  let west: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let dave: TestUser;
  let roomId: number;
  const open: V2Client[] = [];

  beforeAll(async () => {
    const variables = {
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `chat-test-${randomBytes(4).toString('hex')}:`,
      PRESENCE_ROOM_LIMIT: '4',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    };
    east = await startTestApp(variables);
    west = await startTestApp(variables, east);
    [alice, bob, carol, dave] = await Promise.all([1, 2, 3, 4].map(() => createUser(east)));
    // The general room is large from the start: every account is in it.
    await createUser(east);
    roomId = await roomsApi(east).privateWith(alice, bob, carol);
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((client) => client.closeAndWait()));
    // Everyone offline again before the next test.
    await until(
      async () => (await statuses(east, [alice, bob, carol, dave])).every((s) => s === 'offline'),
      'everyone offline',
      5_000,
    );
  });
  afterAll(async () => {
    await west.close();
    await east.close();
  });

  const connect = async (t: TestApp, user: TestUser) => {
    const client = await V2Client.connect(t.baseUrl, user);
    open.push(client);
    return client;
  };

  const isPresence = (user: TestUser, status?: string) => (frame: Frame) =>
    frame.type === 'presence' && frame.user_id === user.id && (!status || frame.status === status);
  const isTyping =
    (user: TestUser, room = roomId) =>
    (frame: Frame) =>
      frame.type === 'typing' && frame.user_id === user.id && frame.room_id === room;

  it('converges on both instances within 2 s of a connect and of a disconnect', async () => {
    const bobEast = await connect(east, bob);
    const carolWest = await connect(west, carol);
    const daveWest = await connect(west, dave);
    const aliceWest = await connect(west, alice);
    for (const watcher of [bobEast, carolWest]) {
      await seen(watcher, isPresence(alice, 'online'), 'alice online');
    }
    expect(await statuses(east, [alice])).toEqual(['online']);
    expect(await statuses(west, [alice])).toEqual(['online']);

    const from = [bobEast.frames.length, carolWest.frames.length];
    await aliceWest.closeAndWait();
    await seen(bobEast, isPresence(alice, 'offline'), 'alice offline', from[0]);
    await seen(carolWest, isPresence(alice, 'offline'), 'alice offline', from[1]);
    expect(await statuses(east, [alice])).toEqual(['offline']);
    expect(await statuses(west, [alice])).toEqual(['offline']);

    // Dave shares only the large general room: its count, nothing of alice herself.
    await seen(
      daveWest,
      (f) => f.type === 'presence.count' && f.room_id === GENERAL_ROOM,
      'a count',
    );
    expect(daveWest.frames.filter(isPresence(alice))).toEqual([]);
    // Nobody is told of their own status.
    expect(aliceWest.frames.filter(isPresence(alice))).toEqual([]);
  });

  it("counts the general room's online members on every instance", async () => {
    const daveWest = await connect(west, dave);
    const counted = (n: number) => (frame: Frame) =>
      frame.type === 'presence.count' && frame.room_id === GENERAL_ROOM && frame.online === n;
    await seen(daveWest, counted(1), 'dave alone');
    await connect(east, alice);
    await connect(west, bob);
    await seen(daveWest, counted(3), 'three online');
    const answer = await east.http
      .get(`/api/v1/presence?room_id=${GENERAL_ROOM}`)
      .set(...bearer(dave))
      .expect(200);
    expect(answer.body).toEqual({ room_id: GENERAL_ROOM, online: 3 });
  });

  it('sends a crowd connecting at once a count a second, not each other', async () => {
    const crowd = await Promise.all(Array.from({ length: 100 }, () => createUser(east)));
    const watcher = await connect(east, dave);
    const started = Date.now();
    const sockets = await Promise.all(crowd.map((user, i) => connect(i % 2 ? east : west, user)));
    const everyone = crowd.length + 1;
    const counted = (n: number) => (frame: Frame) =>
      frame.type === 'presence.count' && frame.room_id === GENERAL_ROOM && frame.online === n;
    await until(() => watcher.frames.some(counted(everyone)), 'everyone counted', 10_000);
    const seconds = (Date.now() - started) / 1000;
    await settle(1_500);
    const received = [watcher, ...sockets].flatMap((socket) => socket.frames);
    // Nobody is told of each of the others: the general room is a large room.
    expect(received.filter((frame) => frame.type === 'presence')).toEqual([]);
    // Each socket a count at most once a second (the naive design: 100 x 100 frames).
    const counts = watcher.frames.filter((frame) => frame.type === 'presence.count');
    expect(counts.length).toBeLessThanOrEqual(Math.ceil(seconds + 1.5) + 1);
    expect(received.filter((frame) => frame.type === 'presence.count').length).toBeLessThan(
      crowd.length * 10,
    );
    await Promise.all(sockets.map((socket) => socket.closeAndWait()));
    await until(() => watcher.frames.some(counted(1)), 'the crowd gone', 10_000);
  });

  it('keeps an active user online while an idle second device is away, and away when all are', async () => {
    const bobEast = await connect(east, bob);
    const phone = await connect(east, alice);
    const laptop = await connect(west, alice);
    await seen(bobEast, isPresence(alice, 'online'), 'alice online');

    await phone.ok({ type: 'presence', status: 'away' });
    await settle(600);
    expect(bobEast.frames.filter(isPresence(alice, 'away'))).toEqual([]);
    expect(await statuses(west, [alice])).toEqual(['online']);

    await laptop.ok({ type: 'presence', status: 'away' });
    await seen(bobEast, isPresence(alice, 'away'), 'alice away');
    expect(await statuses(east, [alice])).toEqual(['away']);

    const from = bobEast.frames.length;
    await phone.ok({ type: 'presence', status: 'online' });
    await seen(bobEast, isPresence(alice, 'online'), 'alice back', from);
    expect(await statuses(west, [alice])).toEqual(['online']);
  });

  it('refuses a presence status it does not know and changes nothing', async () => {
    const bobEast = await connect(east, bob);
    const aliceWest = await connect(west, alice);
    await seen(bobEast, isPresence(alice, 'online'), 'alice online');
    const from = bobEast.frames.length;
    const answer = await aliceWest.request({ type: 'presence', status: 'offline' });
    expect(answer).toMatchObject({ type: 'error', code: 'invalid_input' });
    await settle(600);
    expect(bobEast.frames.slice(from).filter(isPresence(alice))).toEqual([]);
    expect(await statuses(east, [alice])).toEqual(['online']);
  });

  it("shows typing to the room's members on both instances, but not to the typer's sockets or non-members", async () => {
    const aliceEast = await connect(east, alice);
    const alicePhone = await connect(west, alice);
    const bobEast = await connect(east, bob);
    const carolWest = await connect(west, carol);
    const daveWest = await connect(west, dave);
    await aliceEast.ok({ type: 'typing', room_id: roomId });
    await seen(carolWest, isTyping(alice), 'typing on the other instance');
    await seen(bobEast, isTyping(alice), 'typing on the same instance');
    // Throttled: the rest are acknowledged and dropped.
    for (let i = 0; i < 5; i++) await aliceEast.ok({ type: 'typing', room_id: roomId });
    await alicePhone.ok({ type: 'typing', room_id: roomId });
    await carolWest.ok({ type: 'typing', room_id: roomId });
    await seen(aliceEast, isTyping(carol), "carol's typing");
    await settle(600);
    for (const member of [bobEast, carolWest]) {
      expect(member.frames.filter(isTyping(alice))).toHaveLength(1);
    }
    expect(aliceEast.frames.filter(isTyping(alice))).toEqual([]);
    expect(alicePhone.frames.filter(isTyping(alice))).toEqual([]);
    expect(daveWest.frames.filter((frame) => frame.type === 'typing')).toEqual([]);

    // In the general room, dave is a member like everyone.
    await aliceEast.ok({ type: 'typing', room_id: GENERAL_ROOM });
    await seen(daveWest, isTyping(alice, GENERAL_ROOM), 'typing in general');
  });

  it('answers typing in a room the socket is not in with not_found, and tells no one', async () => {
    const daveWest = await connect(west, dave);
    const carolWest = await connect(west, carol);
    const bobEast = await connect(east, bob);
    for (const room of [roomId, 2_000_000]) {
      const answer = await daveWest.request({ type: 'typing', room_id: room });
      expect(answer).toMatchObject({ type: 'error', code: 'not_found' });
    }
    await settle(600);
    for (const member of [carolWest, bobEast]) {
      expect(member.frames.filter((frame) => frame.type === 'typing')).toEqual([]);
    }
  });

  it('GET /api/v1/presence answers for users and rooms, and refuses what it cannot read', async () => {
    await connect(west, alice);
    await until(async () => (await statuses(east, [alice]))[0] === 'online', 'alice online');
    const users = await east.http
      .get(`/api/v1/presence?user_ids=${bob.id},${alice.id},2000000000`)
      .set(...bearer(dave))
      .expect(200);
    expect(users.body).toEqual({
      presence: [
        { user_id: bob.id, status: 'offline' },
        { user_id: alice.id, status: 'online' },
        { user_id: 2000000000, status: 'offline' },
      ],
    });
    const room = await west.http
      .get(`/api/v1/presence?room_id=${roomId}`)
      .set(...bearer(bob))
      .expect(200);
    expect(room.body).toEqual({ room_id: roomId, online: 1 });
    // A private room is not found for a non-member.
    await west.http
      .get(`/api/v1/presence?room_id=${roomId}`)
      .set(...bearer(dave))
      .expect(404);
    const tooMany = Array.from({ length: 201 }, (_, i) => i + 1).join(',');
    for (const query of [
      '',
      'user_ids=',
      'user_ids=1,,2',
      'user_ids=abc',
      `user_ids=${tooMany}`,
      'room_id=0',
      `user_ids=1&room_id=${roomId}`,
    ]) {
      const refused = await east.http.get(`/api/v1/presence?${query}`).set(...bearer(dave));
      expect([query, refused.status]).toEqual([query, 422]);
      expect(refused.body.detail[0]).toHaveProperty('message');
    }
    await east.http.get(`/api/v1/presence?user_ids=${alice.id}`).expect(401);
  });
});

async function statuses(t: TestApp, users: TestUser[]): Promise<string[]> {
  const answer = await t.http
    .get(`/api/v1/presence?user_ids=${users.map((user) => user.id).join(',')}`)
    .set(...bearer(users[0]))
    .expect(200);
  return answer.body.presence.map((entry: { status: string }) => entry.status);
}

/** Waits, at most CONVERGE_MS, for a frame from index `from` on that matches. */
async function seen(
  client: V2Client,
  predicate: (frame: Frame) => boolean,
  label: string,
  from = 0,
): Promise<Frame> {
  let found: Frame | undefined;
  await until(
    () => (found = client.frames.slice(from).find(predicate)) !== undefined,
    `${label}; got ${JSON.stringify(client.frames.slice(from))}`,
  );
  return found!;
}

async function until(
  done: () => boolean | Promise<boolean>,
  label: string,
  withinMs = CONVERGE_MS,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${label}`);
    await settle(20);
  }
}
