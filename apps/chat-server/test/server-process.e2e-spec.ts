import { ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { SERVER_NODE_FLAGS } from '../src/node-flags';
import { ChatClient } from './support/chat-client';
import { bearer, createUser } from './support/factories';
import {
  BUILT_MAIN,
  exitOf,
  freePort,
  REPOSITORY_ROOT,
  startBuiltServer,
  stopProcess,
  waitUntilServing,
} from './support/server-processes';
import { createTestDatabase, TestDatabase } from './support/test-database';
import { TEST_ENV } from './support/test-env';
import { until } from './support/until';

const PROMISE_TRACKING_PROBE = join(__dirname, 'support/promise-tracking-probe.js');

const PROBE_REPORT = 'promise-tracking-probe: ';

/** The probe's answer to SIGWINCH, once it appears in the process's output. */
async function probeReport(output: () => string): Promise<string> {
  const report = () =>
    output()
      .split('\n')
      .find((line) => line.startsWith(PROBE_REPORT));
  await until('the probe reported', async () => report() !== undefined);
  return report()!.slice(PROBE_REPORT.length);
}

// The first test builds the server (`npm start`); the later ones run the build directly.
const STARTUP_TIMEOUT_MS = 150_000;
const SHUTDOWN_TIMEOUT_MS = 30_000;

/** The README's way: `npm start` with no DATABASE_URL runs on the embedded PostgreSQL. */
describe('npm start on a machine with no database configured', () => {
  let dataDir: string;
  let server: ChildProcess;
  let output = '';

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'chat-start-'));
  });

  afterAll(async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'serves registration and login, then stops on SIGTERM leaving no postgres behind',
    async () => {
      const [port, databasePort] = await Promise.all([freePort(), freePort()]);
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        PORT: String(port),
        EMBEDDED_DB_DIR: dataDir,
        EMBEDDED_DB_PORT: String(databasePort),
        BCRYPT_COST: '4',
      };
      delete env.DATABASE_URL;
      server = spawn('npm', ['start'], { cwd: REPOSITORY_ROOT, env, stdio: 'pipe' });
      server.stdout!.on('data', (chunk) => (output += chunk));
      server.stderr!.on('data', (chunk) => (output += chunk));

      const baseUrl = `http://127.0.0.1:${port}`;
      await waitUntilServing(baseUrl, server);
      expect(await postgresProcessesUsing(dataDir)).not.toHaveLength(0);

      const http = request(baseUrl);
      const newcomer = await createUser({ http }, 'newcomer');
      await http
        .get('/user/me')
        .set(...bearer(newcomer))
        .expect(200);

      server.kill('SIGTERM');
      const exit = await exitOf(server);
      // Nest re-raises the signal once it has shut down, so "killed by SIGTERM" is a clean exit.
      expect([
        { code: 0, signal: null },
        { code: null, signal: 'SIGTERM' },
      ]).toContainEqual(exit);
      expect(output).toContain('Embedded PostgreSQL stopped');
      expect(await postgresProcessesUsing(dataDir)).toEqual([]);
    },
    STARTUP_TIMEOUT_MS + SHUTDOWN_TIMEOUT_MS,
  );
});

describe('the built server with a bad configuration', () => {
  it.each([
    [{ PORT: 'eighty' }, 'Invalid configuration: PORT must be an integer number'],
    [
      { NODE_ENV: 'production', JWT_SECRET: '' },
      'Invalid configuration: JWT_SECRET must be set to a random string of at least 32 characters in production; ADMIN_SESSION_SECRET must be set to a random string of at least 32 characters in production',
    ],
  ])('refuses to start with %j, printing one line', async (variables, line) => {
    const env: NodeJS.ProcessEnv = { ...process.env, ...variables };
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, BUILT_MAIN], {
      env,
      stdio: 'pipe',
    });
    let stderr = '';
    child.stderr!.on('data', (chunk) => (stderr += chunk));
    expect(await exitOf(child)).toEqual({ code: 1, signal: null });
    expect(stderr).toBe(`${line}\n`);
  });
});

describe('SIGTERM while clients are sending', () => {
  const SENDERS = 5;
  const TRAFFIC_MS = 1_000;
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('stores every message it acknowledged and closes sockets with 1001', async () => {
    const { server, baseUrl } = await startBuiltServer(database.url);
    const http = request(baseUrl);
    const acknowledged = new Set<string>();
    const clients: ChatClient[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const sender = await createUser({ http }, `sender-${i}`);
      clients.push(await ChatClient.connect(baseUrl, sender.token));
    }

    // Each client keeps one frame in flight: the next goes once the previous one is acknowledged.
    const sending = clients.map((client, index) => {
      let sent = 0;
      const sendNext = () => {
        if (sent >= 10_000 || client.socket.readyState !== client.socket.OPEN) return;
        client.send({ message: `load ${index}-${sent}`, client_id: `${index}-${sent}` });
        sent++;
      };
      client.socket.on('message', (data) => {
        const frame = JSON.parse(data.toString());
        if (typeof frame.client_id === 'string' && frame.client_id.startsWith(`${index}-`)) {
          acknowledged.add(frame.client_id);
          sendNext();
        }
      });
      sendNext();
      return client.closed;
    });

    await new Promise((resolve) => setTimeout(resolve, TRAFFIC_MS));
    server.kill('SIGTERM');
    const closes = await Promise.all(sending);
    await exitOf(server);

    expect(closes.map((close) => close.code)).toEqual(Array(SENDERS).fill(1001));
    expect(acknowledged.size).toBeGreaterThan(SENDERS);

    const restarted = await startBuiltServer(database.url);
    try {
      const stored = new Set<string>();
      let afterId = 0;
      for (let page = 0; page < 200; page++) {
        const response = await request(restarted.baseUrl)
          .get(`/routers/since?after_id=${afterId}`)
          .expect(200);
        if (response.body.length === 0) break;
        for (const message of response.body) stored.add(message.message.replace('load ', ''));
        afterId = response.body[response.body.length - 1].message_id;
      }
      const missing = [...acknowledged].filter((clientId) => !stored.has(clientId));
      expect(missing).toEqual([]);
    } finally {
      restarted.server.kill('SIGTERM');
      await exitOf(restarted.server);
    }
  }, 60_000);
});

describe('two server processes sharing PostgreSQL and Redis', () => {
  let database: TestDatabase;
  let servers: ChildProcess[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await Promise.all(servers.map(stopProcess));
    await database.drop();
  });

  it('act as one room: messages cross in both directions', async () => {
    const redis = {
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `chat-process-test-${process.pid}:`,
    };
    const first = await startBuiltServer(database.url, redis);
    const second = await startBuiltServer(database.url, redis);
    servers = [first.server, second.server];
    const crosser = await createUser({ http: request(first.baseUrl) }, 'crosser');
    const onFirst = await ChatClient.connect(first.baseUrl, crosser.token);
    const onSecond = await ChatClient.connect(second.baseUrl, crosser.token);

    onFirst.send({ message: 'first to second' });
    expect((await onSecond.messages(1))[0]).toMatchObject({ message: 'first to second' });
    onSecond.send({ message: 'second to first' });
    expect((await onFirst.messages(2))[1]).toMatchObject({ message: 'second to first' });
    onFirst.close();
    onSecond.close();
  });
});

describe('logs in production', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('are JSON lines with request ids, never hold a token or a password, and track no promise', async () => {
    const password = 'Sup3r-secret-passw0rd';
    const { server, baseUrl, output } = await startBuiltServer(database.url, {
      NODE_ENV: 'production',
      JWT_SECRET: 'a-test-secret-that-is-long-enough-for-production-use',
      ADMIN_SESSION_SECRET: 'another-test-secret-long-enough-for-production',
      ADMIN_NAME: 'ops',
      ADMIN_PASSWORD: 'another-long-admin-password',
      LOG_LEVEL: 'info',
      // As the docker image runs it: the panel has no custom components to bundle at start.
      ADMIN_JS_SKIP_BUNDLE: 'true',
      NODE_OPTIONS: `--require ${PROMISE_TRACKING_PROBE}`,
    });
    const http = request(baseUrl);
    await http.post('/auth/register-user').send({ name: 'logged', password }).expect(201);
    const login = await http.post('/user/login').send({ name: 'logged', password }).expect(200);
    const token: string = login.body.token;
    const me = await http
      .get('/user/me')
      .set('Authorization', `Bearer ${token}`)
      .set('X-Request-Id', 'trace-123')
      .expect(200);
    expect(me.headers['x-request-id']).toBe('trace-123');
    await http.post('/user/me').send({ token }).expect(200);
    // Routes outside Nest's own (documents, the panel, static files) are logged with an id too.
    const document = await http.get('/docs/asyncapi.json').set('X-Request-Id', 'trace-docs');
    expect(document.headers['x-request-id']).toBe('trace-docs');
    await http.post(`/avatar/upload?token=${token}`).attach('image', Buffer.from('x'), 'x.png');
    const client = await ChatClient.connect(baseUrl, token);
    client.send({ message: 'logged message', token });
    await client.messages(1);
    client.close();
    await client.closed;
    // Request ids come from pino-http, not from an AsyncLocalStorage, which would have every
    // promise tracked, the sockets' too (README, Operating it).
    server.kill('SIGWINCH');
    expect(await probeReport(output)).toBe('off');
    server.kill('SIGTERM');
    await exitOf(server);

    const lines = output()
      .split('\n')
      .filter((line) => line.trim() !== '' && !line.startsWith(PROBE_REPORT));
    const entries = lines.map(
      (line) =>
        JSON.parse(line) as { msg?: string; req?: { id?: string }; res?: { statusCode?: number } },
    );
    expect(entries.length).toBeGreaterThan(5);
    for (const line of lines) {
      expect(line).not.toContain(token);
      expect(line).not.toContain(token.split('.')[2]);
      expect(line).not.toContain(password);
    }
    const traced = entries.filter((entry) => entry.req?.id === 'trace-123');
    expect(traced.map((entry) => entry.res?.statusCode)).toContain(200);
    const documented = entries.filter((entry) => entry.req?.id === 'trace-docs');
    expect(documented.map((entry) => entry.res?.statusCode)).toEqual([200]);
    const userId: number = login.body.user_id;
    expect(entries.map((entry) => entry.msg)).toEqual(
      expect.arrayContaining([
        `WebSocket authenticated (user ${userId})`,
        expect.stringMatching(new RegExp(`^WebSocket closed \\(user ${userId}, code \\d+\\)$`)),
      ]),
    );
  });

  it('uses a probe that does see promise tracking once an AsyncLocalStorage has run', async () => {
    const child = spawn(
      process.execPath,
      [
        '--require',
        PROMISE_TRACKING_PROBE,
        '-e',
        `new (require('node:async_hooks').AsyncLocalStorage)().run(1, () => {});
         process.kill(process.pid, 'SIGWINCH');
         setTimeout(() => {}, 500);`,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let output = '';
    child.stderr!.on('data', (chunk) => (output += chunk));
    await exitOf(child);
    expect(output.trim()).toBe(`${PROBE_REPORT}on`);
  });
});

describe('npm run bench, briefly', () => {
  it('runs its scenarios against both baselines and reports sane figures', async () => {
    const tsx = require.resolve('tsx/cli');
    const bench = spawn(
      process.execPath,
      [tsx, join(REPOSITORY_ROOT, 'apps/chat-bench/src/main.ts'), '--smoke'],
      {
        env: { ...process.env, DATABASE_URL: process.env[TEST_ENV.serverUrl] },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    bench.stdout!.on('data', (chunk) => (output += chunk));
    bench.stderr!.on('data', (chunk) => (output += chunk));
    // About 95 s alone; the bound leaves room for the other e2e worker on the same two cores.
    expect({ exit: await exitOf(bench, 170_000), output }).toMatchObject({ exit: { code: 0 } });
    const line = output.split('\n').find((l) => l.startsWith('BENCH_RESULT '));
    const result = JSON.parse(line!.slice('BENCH_RESULT '.length));
    for (const kind of ['naive', 'coalescing', 'chat']) {
      expect(result.fanout[kind]).toBeGreaterThan(0);
      expect(result.deliveryRatio[kind]).toBeGreaterThanOrEqual(0.99);
      expect(result.latencyP99[kind]).toBeGreaterThan(0);
    }
    expect(result.idleBytesPerConnection.chat).toBeGreaterThan(0);
    expect(result.history.lastMessages.p99).toBeGreaterThan(0);
    // Each search was timed and answered with results; the rare word is planted 25 times, the
    // common word and the prefix are drawn into many more messages.
    for (const kind of ['rare', 'common', 'prefix']) {
      expect(result.search[kind].results).toBeGreaterThan(0);
      expect(result.search[kind].matches).toBeGreaterThanOrEqual(result.search[kind].results);
      expect(result.search[kind].p50).toBeGreaterThan(0);
      expect(result.search[kind].p95).toBeGreaterThan(0);
    }
    expect(result.search.rare.matches).toBe(25);
    expect(result.search.common.matches).toBeGreaterThan(result.search.rare.matches);
    expect(result.search.prefix.matches).toBeGreaterThan(result.search.rare.matches);
    expect(output).toContain('| common word `сервер`');
    expect(result.scaleOut.twoInstances).toBeGreaterThan(0);
    expect(output).toContain('| fan-out: highest sustained deliveries/s');
    // Every user was seen online and offline again, with fewer frames than the naive design.
    expect(result.presence.allOnlineMs).toBeGreaterThan(0);
    expect(result.presence.allOfflineMs).toBeGreaterThan(0);
    expect(result.presence.framesPerChange).toBeGreaterThan(0);
    expect(result.presence.vsNaive).toBeLessThan(1);
    // Issue #22's steps: every acknowledged message arrived, nothing refused; the rooms spread
    // over two instances each heard exactly their rooms; every socket through nginx got the
    // broadcast and every one on the killed instance came back.
    expect(result.overload.acknowledged).toBeGreaterThan(0);
    expect(result.overload).toMatchObject({ missing: 0, refused: {} });
    expect(result.deliveryCost.micros.chat).toBeGreaterThan(0);
    expect(result.scaleOut.cpuPerDeliveryVsOne).toBeGreaterThan(0);
    for (const instance of result.scaleOut.roomEventsReceived) {
      expect(instance.received).toBe(instance.sentToRoomsHere);
    }
    expect(result.nginx.broadcastDelivered).toBe(result.nginx.sockets);
    expect(result.nginx.recovered).toBe(result.nginx.dropped);
    expect(result.nginx.dropped).toBeGreaterThan(0);
  }, 200_000);
});

/** PIDs of processes whose command line names the data directory. */
async function postgresProcessesUsing(dir: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const commandLine = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (commandLine.includes(dir) && commandLine.includes('postgres')) pids.push(Number(entry));
  }
  return pids;
}
