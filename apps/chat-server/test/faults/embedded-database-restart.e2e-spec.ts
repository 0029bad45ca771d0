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
import { recordChecks } from './support/reliability-report';
import { secondsUntilReady } from './support/readiness';

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
      recoverySeconds.push(await secondsUntilReady({ http }));
    }
    await http
      .get('/user/me')
      .set(...bearer(user))
      .expect(200);
    await createUser({ http });
    expect(server.output()).toContain('Embedded PostgreSQL had stopped: restarted it');
    recordChecks('Embedded PostgreSQL killed (SIGKILL)', KILLS, recoverySeconds);
  });
});
