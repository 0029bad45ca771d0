import { randomBytes } from 'node:crypto';
import { UsersService } from '@chat/users';
import { MessagesRepository } from '../../../libs/messages/src/messages.repository';
import { bearer, createUser, TestUser } from './support/factories';
import { readMetrics, delta } from './support/metrics';
import { TcpProxy } from './support/tcp-proxy';
import { startTestApp, TestApp } from './support/test-app';
import { until } from './support/until';

const GENERAL = 1;
const PAGE = 50;
const REDIS_PORT = Number(new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379').port || 6379);
const HITS = 'chat_history_cache_hits_total';

/**
 * The general room's newest pages (GET /routers/last_messages and GET /api/v1/rooms/1/messages)
 * answered from memory on two instances over Redis: after every change made on either, each
 * answers what the database holds, byte for byte. West reaches Redis through a relay that the
 * outage test cuts.
 */
describe('newest history pages kept in memory, on two instances', () => {
  let proxy: TcpProxy;
  let east: TestApp;
  let west: TestApp;
  let alice: TestUser;

  beforeAll(async () => {
    proxy = await TcpProxy.start(REDIS_PORT);
    const prefix = `chat-test-${randomBytes(4).toString('hex')}:`;
    east = await startTestApp({
      REDIS_URL: `redis://127.0.0.1:${REDIS_PORT}`,
      REDIS_PREFIX: prefix,
    });
    west = await startTestApp(
      { REDIS_URL: `redis://127.0.0.1:${proxy.port}`, REDIS_PREFIX: prefix },
      east,
    );
    alice = await createUser(east);
    for (let i = 0; i < 3; i++) await send(alice, `hello ${i}`);
  });
  afterAll(async () => {
    await west.close();
    await east.close();
    await proxy.close();
  });

  async function send(user: TestUser, text: string): Promise<number> {
    const response = await east.http
      .post(`/api/v1/rooms/${GENERAL}/messages`)
      .set(...bearer(user))
      .send({ text })
      .expect(201);
    return response.body.message_id as number;
  }

  /** Both pages as the database builds them now. */
  async function stored(): Promise<[string, string]> {
    const repository = east.app.get(MessagesRepository);
    return [await repository.newestPage(), await repository.roomNewestPage(GENERAL, PAGE)];
  }

  /** Both pages as an instance answers them. */
  async function served(t: TestApp): Promise<[string, string]> {
    const compat = await t.http.get('/routers/last_messages').expect(200);
    const room = await t.http
      .get(`/api/v1/rooms/${GENERAL}/messages`)
      .set(...bearer(alice))
      .expect(200);
    return [compat.text, room.text];
  }

  const matches = async (t: TestApp) =>
    JSON.stringify(await served(t)) === JSON.stringify(await stored());

  /** Both instances keep their pages (read twice), then `change` is made on east. */
  async function expectBothRightAfter(change: () => Promise<unknown>): Promise<void> {
    for (const t of [east, west]) {
      await served(t);
      await served(t);
    }
    const before = await stored();
    await change();
    const after = await stored();
    expect(after).not.toEqual(before);
    // East published the change before answering; west hears it over Redis.
    expect(await served(east)).toEqual(after);
    await until('west answering the changed pages', () => matches(west));
  }

  it('answers the pages the database holds, the second time from memory', async () => {
    const before = await readMetrics(east);
    expect(await served(east)).toEqual(await stored());
    expect(await served(east)).toEqual(await stored());
    expect(delta(before, await readMetrics(east), HITS)).toBe(2);
  });

  it('answers the newest pages while the messages table is locked, an older page only after', async () => {
    const newest = await served(east);
    const runner = east.db.createQueryRunner();
    await runner.connect();
    let olderAnswered = false;
    let older: Promise<unknown> | undefined;
    try {
      await runner.startTransaction();
      await runner.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
      older = east.http
        .post('/routers/load')
        .send({ id_message: 1_000_000 })
        .expect(200)
        .then(() => (olderAnswered = true));
      expect(await served(east)).toEqual(newest);
      expect(olderAnswered).toBe(false);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
    await older;
    expect(olderAnswered).toBe(true);
  });

  it('after a message is sent', async () => {
    await expectBothRightAfter(() => send(alice, 'a new one'));
  });

  it('after a message is edited', async () => {
    const id = await send(alice, 'to be edited');
    await expectBothRightAfter(() =>
      east.http
        .patch(`/api/v1/messages/${id}`)
        .set(...bearer(alice))
        .send({ text: 'edited' })
        .expect(200),
    );
  });

  it('after a message is deleted', async () => {
    const id = await send(alice, 'to be deleted');
    await expectBothRightAfter(() =>
      east.http
        .delete(`/api/v1/messages/${id}`)
        .set(...bearer(alice))
        .expect(200),
    );
  });

  it('after its author is renamed', async () => {
    const bob = await createUser(east);
    await send(bob, 'from bob');
    await expectBothRightAfter(() =>
      east.http
        .patch('/user/update')
        .set(...bearer(bob))
        .send({ data_update: { name: `${bob.name}-renamed` } })
        .expect(201),
    );
  });

  it('after its author has a new avatar', async () => {
    const carol = await createUser(east);
    await send(carol, 'from carol');
    await expectBothRightAfter(() =>
      east.app.get(UsersService).replaceAvatar(carol.id, `/static/avatars/${carol.id}-new.webp`),
    );
  });

  it("after its author's account is deleted", async () => {
    const dave = await createUser(east);
    await send(dave, 'from dave');
    await expectBothRightAfter(() =>
      east.http
        .delete('/user/delete')
        .set(...bearer(dave))
        .expect(201),
    );
  });

  it('answers nothing stale after its link to Redis was cut while the other instance wrote', async () => {
    await served(west);
    await served(west);
    proxy.cut();
    try {
      await until('west reporting its bus down', async () => {
        return (await west.http.get('/health/ready')).status === 503;
      });
      await send(alice, 'while west was cut off');
      expect(await served(west)).toEqual(await stored());
    } finally {
      proxy.restore();
    }
    await until('west reporting its bus back', async () => {
      return (await west.http.get('/health/ready')).status === 200;
    });
    // Nothing kept from before the cut: the message sent meanwhile shows at once.
    expect(await served(west)).toEqual(await stored());
    const before = await readMetrics(west);
    expect(await served(west)).toEqual(await stored());
    expect(delta(before, await readMetrics(west), HITS)).toBe(2);
  });
});
