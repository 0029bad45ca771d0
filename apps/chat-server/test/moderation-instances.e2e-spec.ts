import { randomBytes } from 'node:crypto';
import { ChatClient } from './support/chat-client';
import { bearer, createUser, loginAdmin, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';
import { V2Client } from './support/v2-client';

const GENERAL = 1;
/** The bound: a ban ends the user's sockets on every instance within 5 s. */
const BAN_REACH_MS = 5_000;

/** Bans and mutes made on one instance, felt by sockets on the other (over Redis). */
describe('moderation on two instances', () => {
  let east: TestApp;
  let west: TestApp;
  let admin: TestUser;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    const variables = {
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `chat-test-${randomBytes(4).toString('hex')}:`,
    };
    east = await startTestApp(variables);
    west = await startTestApp(variables, east);
    admin = await loginAdmin(east);
  });
  afterAll(async () => {
    for (const client of open.splice(0)) client.close();
    await west.close();
    await east.close();
  });

  it("closes a banned user's sockets on the other instance within 5 s", async () => {
    const user = await createUser(west);
    const v2 = await V2Client.connect(west.baseUrl, user);
    const compat = await ChatClient.connect(west.baseUrl, user.token);
    open.push(v2, compat);
    const banned = await east.http
      .post('/api/v1/moderation/bans')
      .set(...bearer(admin))
      .send({ user_id: user.id, reason: 'raid' })
      .expect(201);
    let timer: NodeJS.Timeout | undefined;
    const closed = await Promise.race([
      Promise.all([v2.closed, compat.closed]),
      new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), BAN_REACH_MS))),
    ]).finally(() => clearTimeout(timer));
    expect(closed).toEqual([
      { code: 1008, reason: 'Banned' },
      { code: 1008, reason: 'Banned' },
    ]);
    expect(v2.frames).toContainEqual(
      expect.objectContaining({
        type: 'error',
        code: 'banned',
        detail: `Banned permanently: ${banned.body.reason}`,
      }),
    );
    // Its token is no good on either instance.
    await west.http
      .get('/api/v1/me')
      .set(...bearer(user))
      .expect(401);
    await east.http
      .get('/api/v1/me')
      .set(...bearer(user))
      .expect(401);
  });

  it('refuses a muted user on the other instance, and lets them send once unmuted', async () => {
    const user = await createUser(west);
    const client = await V2Client.connect(west.baseUrl, user);
    open.push(client);
    let n = 0;
    const sendOnWest = () =>
      client.request({ type: 'message.send', room_id: GENERAL, text: 'hi', client_id: `m${++n}` });

    const mute = await east.http
      .post('/api/v1/moderation/mutes')
      .set(...bearer(admin))
      .send({ user_id: user.id, reason: 'shouting' })
      .expect(201);
    await until('refused on west', async () => (await sendOnWest()).type === 'error', 5_000);
    expect(await sendOnWest()).toMatchObject({
      type: 'error',
      code: 'forbidden',
      detail: 'You are muted everywhere',
    });
    await west.http
      .post(`/api/v1/rooms/${GENERAL}/messages`)
      .set(...bearer(user))
      .send({ text: 'over http' })
      .expect(403);

    await east.http
      .delete(`/api/v1/moderation/mutes/${mute.body.id}`)
      .set(...bearer(admin))
      .expect(204);
    await until('sending again on west', async () => (await sendOnWest()).type === 'ack', 5_000);
  });
});
