import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { bearer, createUser } from '../support/factories';
import {
  freePort,
  ServerProcess,
  startBuiltServer,
  stopProcess,
} from '../support/server-processes';
import { recordFigures } from './support/reliability-report';
import { sleep } from './support/steady-load';

const KILLS = 2;

describe('the embedded PostgreSQL killed under a running server', () => {
  let dataDir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chat-embedded-'));
    // No DATABASE_URL: the server starts and watches its own PostgreSQL.
    server = await startBuiltServer('', {
      EMBEDDED_DB_DIR: dataDir,
      EMBEDDED_DB_PORT: String(await freePort()),
      LOG_LEVEL: 'info',
    });
  });
  afterAll(async () => {
    await stopProcess(server.server);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('is restarted by the server, and nothing stored is lost', async () => {
    const http = request(server.baseUrl);
    const user = await createUser({ http });
    const recoverySeconds: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const postmaster = Number(
        (await readFile(join(dataDir, 'postgres/postmaster.pid'), 'utf8')).split('\n')[0],
      );
      process.kill(postmaster, 'SIGKILL');
      const killedAt = Date.now();
      let status = 0;
      while (status !== 200 && Date.now() - killedAt < 30_000) {
        await sleep(200);
        status = (await http.get('/health/ready')).status;
      }
      expect(status).toBe(200);
      recoverySeconds.push((Date.now() - killedAt) / 1000);
    }
    await http
      .get('/user/me')
      .set(...bearer(user))
      .expect(200);
    await createUser({ http });
    expect(server.output()).toContain('Embedded PostgreSQL had stopped: restarted it');
    recordFigures({
      scenario: 'Embedded PostgreSQL killed (SIGKILL)',
      runs: KILLS,
      acknowledged: 0,
      lost: 0,
      duplicated: 0,
      recoverySeconds,
    });
  });
});
