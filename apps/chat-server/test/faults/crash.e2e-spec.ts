import request from 'supertest';
import { BuiltServer } from './support/built-server';
import { recordFigures } from './support/reliability-report';
import { audit, sleep, SteadyLoad } from './support/steady-load';

const CRASHES = 2;
const SEND_INTERVAL_MS = 40;

describe('the server killed with SIGKILL under load', () => {
  let server: BuiltServer;

  beforeAll(async () => {
    server = await BuiltServer.start();
  });
  afterAll(() => server.close());

  it('loses no acknowledged message, and resending with the same client_id stores nothing twice', async () => {
    const app = { http: request(server.baseUrl), baseUrl: server.baseUrl };
    const load = await SteadyLoad.ofNewUsers('crash', app, 3, 3);
    const recoverySeconds: number[] = [];
    try {
      load.start(SEND_INTERVAL_MS);
      for (let crash = 0; crash < CRASHES; crash++) {
        await sleep(1_500);
        expect(await server.kill()).toMatchObject({ signal: 'SIGKILL' });
        const restartedAt = Date.now();
        await server.restart();
        await load.reconnect();
        load.resumeListeners();
        // The client does not know which of its last messages made it: it sends them all again.
        load.resendAll();
        recoverySeconds.push(await load.recoveredAfter(restartedAt, 20_000));
      }
      load.stop();
      await load.resendUntilAcknowledged(20_000);
      await sleep(500);

      const figures = await audit(load, server.query);
      recordFigures({
        scenario: 'Server process killed (SIGKILL) under load',
        runs: CRASHES,
        ...figures,
        recoverySeconds,
      });
      expect(load.counts().acknowledged).toBe(load.counts().sent);
      expect(figures.acknowledged).toBeGreaterThan(100);
      expect(figures).toMatchObject({ lost: 0, duplicated: 0 });
    } finally {
      load.close();
    }
  });
});
