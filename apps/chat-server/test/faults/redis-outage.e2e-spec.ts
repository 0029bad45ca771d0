import { createUser, TestUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { secondsUntilReady } from './support/readiness';
import { RedisProcess } from './support/redis-process';
import { recordFigures } from './support/reliability-report';
import { audit, sleep, SteadyLoad } from './support/steady-load';

const OUTAGES = 2;
const OUTAGE_MS = 3_000;
const SEND_INTERVAL_MS = 50;

describe('starting while Redis is away', () => {
  let redis: RedisProcess;
  let t: TestApp;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    await redis.kill();
    t = await startTestApp({ REDIS_URL: redis.url });
  });
  afterAll(async () => {
    await t.close();
    await redis.kill();
  });

  it('serves its own clients, reports the bus down, and joins once Redis is there', async () => {
    const ready = await t.http.get('/health/ready').expect(503);
    expect(ready.body).toMatchObject({ error: { events: { status: 'down' } } });
    await t.http.get('/health/live').expect(200);

    const user = await createUser(t);
    const load = await SteadyLoad.connect('redis-late', [{ user, baseUrl: t.baseUrl }], []);
    try {
      load.start(200);
      await load.recoveredAfter(Date.now(), 5_000);
      await redis.start();
      await secondsUntilReady(t, Date.now(), 20_000);
    } finally {
      load.close();
    }
  });
});

describe('Redis killed and restarted under load, two instances', () => {
  let redis: RedisProcess;
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    first = await startTestApp({ REDIS_URL: redis.url, MESSAGE_RATE_LIMIT: '1000' });
    second = await startTestApp({ REDIS_URL: redis.url, MESSAGE_RATE_LIMIT: '1000' }, first);
  });
  afterAll(async () => {
    await second.close();
    await first.close();
    await redis.kill();
  });

  it('delivers locally meanwhile and catches every client up afterwards', async () => {
    const on = (t: TestApp) => async () => ({ user: await createUser(t), baseUrl: t.baseUrl });
    const peers: { user: TestUser; baseUrl: string }[] = [];
    for (const make of [on(first), on(second), on(first), on(second), on(first), on(second)]) {
      peers.push(await make());
    }
    const load = await SteadyLoad.connect('redis-outage', peers.slice(0, 2), peers.slice(2));
    const recoverySeconds: number[] = [];
    try {
      load.start(SEND_INTERVAL_MS);
      for (let outage = 0; outage < OUTAGES; outage++) {
        await sleep(1_000);
        await redis.kill();
        await sleep(OUTAGE_MS / 2);
        for (const t of [first, second]) {
          const ready = await t.http.get('/health/ready').expect(503);
          expect(ready.body).toMatchObject({ error: { events: { status: 'down' } } });
        }
        const acknowledgedBefore = load.counts().acknowledged;
        await sleep(OUTAGE_MS / 2);
        expect(load.counts().acknowledged).toBeGreaterThan(acknowledgedBefore);
        await redis.start();
        const times = await Promise.all(
          [first, second].map((t) => secondsUntilReady(t, Date.now(), 20_000)),
        );
        recoverySeconds.push(Math.max(...times));
      }
      load.stop();
      await load.resendUntilAcknowledged(10_000);
      await sleep(1_000);

      const figures = await audit(load, (sql, parameters) => first.db.query(sql, parameters));
      recordFigures({
        scenario: 'Redis killed for 3 s under load, two instances',
        runs: OUTAGES,
        ...figures,
        recoverySeconds,
      });
      expect(load.counts().acknowledged).toBe(load.counts().sent);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0 });
    } finally {
      load.close();
    }
  });
});
