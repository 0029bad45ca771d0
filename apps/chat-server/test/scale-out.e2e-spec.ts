import { randomBytes } from 'node:crypto';
import { ChatClient } from './support/chat-client';
import {
  bearer,
  createUser,
  createUserWithRole,
  login,
  loginAdmin,
  PASSWORD,
} from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const INVALID_TOKEN = { event: 'send user message', message: 'Invalid token' };

/** Two instances of one deployment: one database, events over Redis pub/sub. */
describe('two instances over Redis', () => {
  let east: TestApp;
  let west: TestApp;

  beforeAll(async () => {
    const redis = {
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      // A channel of this test's own, so parallel test files never hear each other.
      REDIS_PREFIX: `chat-test-${randomBytes(4).toString('hex')}:`,
    };
    east = await startTestApp(redis);
    west = await startTestApp(redis, east);
  });
  afterAll(async () => {
    await west.close();
    await east.close();
  });

  it('delivers messages, edits and deletes across instances in both directions', async () => {
    const admin = await loginAdmin(east);
    const moderator = await createUserWithRole(east, admin, 2);
    const alice = await createUser(east);
    const onEast = await ChatClient.connect(east.baseUrl, alice.token);
    const onWest = await ChatClient.connect(west.baseUrl, alice.token);

    onEast.send({ message: 'from east' });
    const [eastMessage] = await onWest.messages(1);
    expect(eastMessage).toEqual((await onEast.messages(1))[0]);

    onWest.send({ message: 'from west' });
    const westMessage = (await onEast.messages(2))[1];
    expect(westMessage).toMatchObject({ message: 'from west', user_id: alice.id });

    await west.http
      .patch('/routers/update')
      .set(...bearer(alice))
      .send({ message_id: eastMessage.message_id, message: 'edited on west' })
      .expect(201);
    expect(await onEast.next((f) => f.event === 'update')).toEqual({
      event: 'update',
      message_id: eastMessage.message_id,
      new_message: 'edited on west',
    });

    await east.http
      .delete('/routers/delete-message')
      .set(...bearer(moderator))
      .send({ id_message: westMessage.message_id })
      .expect(201);
    expect(await onWest.next((f) => f.event === 'delete')).toEqual({
      event: 'delete',
      message_id: westMessage.message_id,
    });
    onEast.close();
    onWest.close();
  });

  it('tells clients of the other instance about a rename', async () => {
    const renamed = await createUser(east);
    const onWest = await ChatClient.connect(west.baseUrl);
    const name = `${renamed.name}-new`;
    await east.http
      .patch('/user/update')
      .set(...bearer(renamed))
      .send({ data_update: { name } })
      .expect(201);
    expect(await onWest.next((f) => f.event === 'user')).toMatchObject({
      event: 'user',
      user_id: renamed.id,
      name,
      role: 1,
    });
    onWest.close();
  });

  it('keeps the order in which one instance stored its messages', async () => {
    const bob = await createUser(east);
    const sender = await ChatClient.connect(east.baseUrl, bob.token);
    const listener = await ChatClient.connect(west.baseUrl);
    for (let i = 0; i < 20; i++) sender.send({ message: `in order ${i}` });
    const received = await listener.messages(20);
    const ids = received.map((f) => f.message_id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(received.map((f) => f.message)).toEqual(
      Array.from({ length: 20 }, (_, i) => `in order ${i}`),
    );
    sender.close();
    listener.close();
  });

  it.each([
    ['east', 'west'],
    ['west', 'east'],
  ] as const)('ends on %s a session revoked on %s, at once', async (socketSide, revokeSide) => {
    const apps = { east: () => east, west: () => west };
    const user = await createUser(east);
    const session = await login(east, user.name, PASSWORD);
    const client = await ChatClient.connect(apps[socketSide]().baseUrl, session.token);
    client.send({ message: 'before' });
    await client.messages(1);
    await apps[revokeSide]()
      .http.post('/user/logout')
      .set(...bearer(session))
      .expect(200);
    expect(await client.next((f) => f.event === 'send user message')).toEqual(INVALID_TOKEN);
    expect((await client.closed).code).toBe(1008);
    await apps[socketSide]()
      .http.get('/user/me')
      .set(...bearer(session))
      .expect(401);
  });
});
