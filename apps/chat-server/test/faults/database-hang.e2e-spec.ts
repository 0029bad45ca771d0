import { join } from 'node:path';
import { TestApp } from '../support/test-app';
import { AppOnOwnDatabase, startAppOnOwnDatabase } from './support/own-database';
import { freezePostgres } from './support/postgres-freeze';
import { recordFigures } from './support/reliability-report';
import { audit, sleep, SteadyLoad } from './support/steady-load';

const HANGS = 3;
const HANG_MS = 4_000;
const SEND_INTERVAL_MS = 50;
/** Bounds a request that a missing timeout would leave hanging, so the test fails instead. */
const REQUEST_LIMIT_MS = 10_000;

describe('PostgreSQL hung (SIGSTOP) under load', () => {
  let dir: string;
  let t: TestApp;
  let setup: AppOnOwnDatabase;

  beforeAll(async () => {
    setup = await startAppOnOwnDatabase('chat-faults-hang-', {
      DB_CONNECT_TIMEOUT_SECONDS: '1',
      DB_QUERY_TIMEOUT_SECONDS: '1',
    });
    ({ dir, t } = setup);
  });
  afterAll(() => setup.close());

  it('answers 503 and "Temporarily unavailable" within seconds, recovers by itself, loses nothing acknowledged', async () => {
    const load = await SteadyLoad.ofNewUsers('db-hang', t, 3, 5);
    const recoverySeconds: number[] = [];
    try {
      load.start(SEND_INTERVAL_MS);
      for (let hang = 0; hang < HANGS; hang++) {
        await sleep(1_000);
        const resume = await freezePostgres(join(dir, 'postgres'));
        try {
          const hungAt = Date.now();
          const during = await t.http.get('/routers/last_messages').timeout(REQUEST_LIMIT_MS);
          expect(during.status).toBe(503);
          expect(during.body).toEqual({ detail: 'Service unavailable' });
          await t.http.get('/health/ready').timeout(REQUEST_LIMIT_MS).expect(503);
          await t.http.get('/health/live').timeout(REQUEST_LIMIT_MS).expect(200);
          await sleep(Math.max(0, HANG_MS - (Date.now() - hungAt)));
        } finally {
          resume();
        }
        recoverySeconds.push(await load.recoveredAfter(Date.now(), 20_000));
      }
      load.stop();
      await load.resendUntilAcknowledged(20_000);
      await sleep(500);
      await t.http.get('/health/ready').expect(200);

      const figures = await audit(load, (sql, parameters) => t.db.query(sql, parameters));
      recordFigures({
        scenario: 'PostgreSQL hung (SIGSTOP) for 4 s under load',
        runs: HANGS,
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
