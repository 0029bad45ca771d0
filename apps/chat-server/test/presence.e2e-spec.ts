import { WebSocket } from 'ws';
import { ConnectionRegistry } from '@chat/realtime';
import { RoomAccess } from '@chat/rooms';
import { ChatClient } from './support/chat-client';
import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

const WAIT_MS = 2_000;

/**
 * Presence and typing on one instance (presence in memory): the general room is small here, so
 * everyone is told everyone's status.
 */
describe('presence and typing on one instance', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ WS_MAX_CONNECTIONS_PER_ADDRESS: '1000' });
    [alice, bob, carol] = await Promise.all([1, 2, 3].map(() => createUser(t)));
  });
  afterEach(async () => {
    for (const client of open.splice(0)) client.close();
    await until(
      async () => (await statuses([alice, bob, carol])).every((s) => s === 'offline'),
      'everyone offline',
    );
  });
  afterAll(() => t.close());

  const connect = async (user: TestUser) => {
    const client = await V2Client.connect(t.baseUrl, user);
    open.push(client);
    return client;
  };
  const isPresence = (user: TestUser, status: string) => (frame: Frame) =>
    frame.type === 'presence' && frame.user_id === user.id && frame.status === status;

  async function statuses(users: TestUser[]): Promise<string[]> {
    const answer = await t.http
      .get(`/api/v1/presence?user_ids=${users.map((user) => user.id).join(',')}`)
      .set(...bearer(bob))
      .expect(200);
    return answer.body.presence.map((entry: { status: string }) => entry.status);
  }

  async function seen(client: V2Client, predicate: (frame: Frame) => boolean, from = 0) {
    await until(() => client.frames.slice(from).some(predicate), JSON.stringify(client.frames));
  }

  it('counts a compat socket as online, and as the user it signed in as last', async () => {
    const bobSocket = await connect(bob);
    const compat = await ChatClient.connect(t.baseUrl, alice.token);
    open.push({ close: () => compat.socket.close() });
    await seen(bobSocket, isPresence(alice, 'online'));
    expect(await statuses([alice])).toEqual(['online']);

    compat.send({ action: 'auth', token: carol.token });
    await compat.next((frame) => frame.event === 'auth' && frame.user_id === carol.id);
    await seen(bobSocket, isPresence(alice, 'offline'));
    await seen(bobSocket, isPresence(carol, 'online'));
    expect(await statuses([alice, carol])).toEqual(['offline', 'online']);

    compat.socket.close();
    await seen(bobSocket, isPresence(carol, 'offline'));
  });

  it("reads a signing-in user's rooms once, for the hello and for their status's announcement", async () => {
    const bobSocket = await connect(bob);
    // Someone presence has not seen yet: nothing of theirs is kept from an earlier announcement.
    const dave = await createUser(t);
    const roomsOf = jest.spyOn(t.app.get(RoomAccess), 'roomsOf');
    try {
      await connect(dave);
      await seen(bobSocket, isPresence(dave, 'online'));
      expect(roomsOf.mock.calls.filter(([userId]) => userId === dave.id)).toHaveLength(1);
    } finally {
      roomsOf.mockRestore();
    }
  });

  it('keeps a user away while one socket is away and the online one has gone', async () => {
    const bobSocket = await connect(bob);
    const phone = await connect(alice);
    const laptop = await connect(alice);
    await seen(bobSocket, isPresence(alice, 'online'));
    await phone.ok({ type: 'presence', status: 'away' });
    await settle(500);
    expect(await statuses([alice])).toEqual(['online']);
    await laptop.closeAndWait();
    await seen(bobSocket, isPresence(alice, 'away'));
    await phone.closeAndWait();
    await seen(bobSocket, isPresence(alice, 'offline'));
  });

  it("refuses a socket's presence frames past a short burst, and they change nothing", async () => {
    const bobSocket = await connect(bob);
    const aliceSocket = await connect(alice);
    await seen(bobSocket, isPresence(alice, 'online'));
    const sent = Array.from({ length: 12 }, (_, i) => (i % 2 ? 'online' : 'away'));
    const answers = await Promise.all(
      sent.map((status) => aliceSocket.request({ type: 'presence', status })),
    );
    // The first five pass; the sixth, right after, is refused (and more may be).
    expect(answers.slice(0, 5).map((answer) => answer.type)).toEqual(Array(5).fill('ack'));
    expect(answers[5]).toMatchObject({ type: 'error', code: 'rate_limited' });
    const lastPassed = answers.findLastIndex((answer) => answer.type === 'ack');
    expect(await statuses([alice])).toEqual([sent[lastPassed]]);
  });

  it('leaves no one online whose socket closed while it was signing in', async () => {
    // Sessions never used yet: checking their tokens reads the database.
    const [compatUser, v2User] = [await createUser(t), await createUser(t)];
    const registry = t.app.get(ConnectionRegistry);
    const url = t.baseUrl.replace(/^http/, 'ws');
    const locks = t.db.createQueryRunner();
    await locks.connect();
    await locks.startTransaction();
    try {
      // Their sessions' rows are locked: the sign-ins wait for them.
      await locks.query('SELECT 1 FROM sessions WHERE user_id = ANY($1) FOR UPDATE', [
        [compatUser.id, v2User.id],
      ]);
      const before = registry.size;
      const compat = new WebSocket(`${url}/ws?token=${compatUser.token}`);
      const v2 = new WebSocket(`${url}/ws`, 'chat.v2');
      await Promise.all([compat, v2].map((ws) => new Promise((ok) => ws.once('open', ok))));
      v2.send(JSON.stringify({ type: 'auth', token: v2User.token }));
      await until(() => registry.size === before + 2, 'both sockets there');
      await settle(100); // the auth frame on its way before the socket is cut
      compat.terminate();
      v2.terminate();
      await until(() => registry.size === before, 'both sockets gone');
    } finally {
      await locks.commitTransaction();
      await locks.release();
    }
    await settle(500);
    expect(await statuses([compatUser, v2User])).toEqual(['offline', 'offline']);
  });

  it('refuses typing in a room the socket has left, and tells the room nothing', async () => {
    const roomId = await roomsApi(t).create(alice, 'public');
    await roomsApi(t).join(roomId, bob);
    const aliceSocket = await connect(alice);
    const bobSocket = await connect(bob);
    await aliceSocket.ok({ type: 'typing', room_id: roomId });
    await seen(bobSocket, (frame) => frame.type === 'typing' && frame.room_id === roomId);

    await roomsApi(t).leave(roomId, alice);
    await aliceSocket.next((frame) => frame.type === 'room.removed' && frame.room_id === roomId);
    const from = bobSocket.frames.length;
    // Past the throttle's interval, so only the membership stops it.
    await settle(3_000);
    const answer = await aliceSocket.request({ type: 'typing', room_id: roomId });
    expect(answer).toMatchObject({ type: 'error', code: 'not_found' });
    await settle(300);
    expect(bobSocket.frames.slice(from).filter((frame) => frame.type === 'typing')).toEqual([]);
  });

  it('documents GET /api/v1/presence in OpenAPI, with its two parameters and answers', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body;
    const operation = document.paths['/api/v1/presence']?.get;
    expect(operation?.tags).toEqual(['presence']);
    expect(operation.security).toEqual([{ bearer: [] }]);
    expect(
      operation.parameters.map((parameter: { name: string }) => parameter.name).sort(),
    ).toEqual(['room_id', 'user_ids']);
    expect(Object.keys(operation.responses).sort()).toEqual(['200', '403', '404', '422', '503']);
    const answers = operation.responses['200'].content['application/json'].schema.oneOf;
    expect(answers.map((answer: { $ref: string }) => answer.$ref.split('/').pop())).toEqual([
      'PresenceAnswerDto',
      'RoomPresenceAnswerDto',
    ]);
    expect(document.components.schemas.PresenceAnswerDto.properties.presence.type).toBe('array');
  });
});

async function until(done: () => boolean | Promise<boolean>, label: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not within ${WAIT_MS} ms: ${label}`);
    await settle(20);
  }
}
