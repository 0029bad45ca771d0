import { EmbeddedDatabase } from '@chat/database';
import { TestApp } from '../support/test-app';
import { AppOnOwnDatabase, startAppOnOwnDatabase } from './support/own-database';
import { recordFigures } from './support/reliability-report';
import { audit, sleep, SteadyLoad } from './support/steady-load';

const OUTAGES = 3;
const OUTAGE_MS = 2_000;
const SEND_INTERVAL_MS = 50;

describe('PostgreSQL stopped and started under load', () => {
  let database: EmbeddedDatabase;
  let t: TestApp;
  let setup: AppOnOwnDatabase;

  beforeAll(async () => {
    setup = await startAppOnOwnDatabase('chat-faults-db-');
    ({ database, t } = setup);
  });
  afterAll(() => setup.close());

  it('keeps serving, refuses with 503 and "Temporarily unavailable", and loses nothing acknowledged', async () => {
    const load = await SteadyLoad.ofNewUsers('db-outage', t, 3, 5);
    const recoverySeconds: number[] = [];
    try {
      load.start(SEND_INTERVAL_MS);
      for (let outage = 0; outage < OUTAGES; outage++) {
        await sleep(1_000);
        await database.stop();
        await sleep(OUTAGE_MS / 2);
        const during = await t.http.get('/routers/last_messages');
        expect(during.status).toBe(503);
        expect(during.body).toEqual({ detail: 'Service unavailable' });
        await t.http.get('/health/ready').expect(503);
        await t.http.get('/health/live').expect(200);
        await sleep(OUTAGE_MS / 2);
        await database.start();
        recoverySeconds.push(await load.recoveredAfter(Date.now(), 20_000));
      }
      load.stop();
      await load.resendUntilAcknowledged(20_000);
      await sleep(500);
      await t.http.get('/health/ready').expect(200);

      const figures = await audit(load, (sql, parameters) => t.db.query(sql, parameters));
      recordFigures({
        scenario: 'PostgreSQL stopped for 2 s under load',
        runs: OUTAGES,
        ...figures,
        recoverySeconds,
      });
      expect(load.notices).toContain('Temporarily unavailable');
      expect(load.counts().acknowledged).toBe(load.counts().sent);
      expect(figures.acknowledged).toBeGreaterThan(100);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0 });
    } finally {
      load.close();
    }
  });
});
