// The deployment's pieces, proven with the real programs that run here (no Docker engine): two
// replicas of the built server on loopback sharing PostgreSQL and Redis, the repository's nginx
// configuration in front of them, and its Prometheus configuration scraping both.
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import request from 'supertest';
import { parse } from 'yaml';
import { ChatClient } from '../support/chat-client';
import { createUser } from '../support/factories';
import {
  freePort,
  REPOSITORY_ROOT,
  ServerProcess,
  startBuiltServer,
  stopProcess,
} from '../support/server-processes';
import { createTestDatabase, TestDatabase } from '../support/test-database';

const run = promisify(execFile);
const DOCKER = join(REPOSITORY_ROOT, 'docker');
const PROMETHEUS_WAIT_MS = 40_000;
/** Where the test's nginx writes its access log (in the work directory). */
const ACCESS_LOG = 'access.log';

describe('the deployment', () => {
  let database: TestDatabase;
  let workDir: string;
  let replicas: ServerProcess[] = [];
  let nginx: ChildProcess | undefined;
  let nginxUrl: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    workDir = await mkdtemp(join(tmpdir(), 'chat-deploy-'));
    const shared = {
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `chat-deploy-${randomBytes(4).toString('hex')}:`,
      AVATAR_DIR: join(workDir, 'avatars'),
      TRUST_PROXY: 'loopback',
    };
    replicas = [
      await startBuiltServer(database.url, shared),
      await startBuiltServer(database.url, shared),
    ];
    const port = await freePort();
    nginxUrl = `http://127.0.0.1:${port}`;
    nginx = await startNginx(workDir, port, replicas);
  }, 120_000);

  afterAll(async () => {
    if (nginx) await stopProcess(nginx);
    await Promise.all(replicas.map((replica) => stopProcess(replica.server)));
    await database.drop();
    await rm(workDir, { recursive: true, force: true });
  });

  it('logs requests without their query strings, so no ?token= reaches the log', async () => {
    const secret = `secret-${randomBytes(6).toString('hex')}`;
    const http = request(nginxUrl);
    await http
      .get(`/routers/last_messages?token=${secret}`)
      .set('Referer', `http://chat.example/?token=${secret}`)
      .expect(200);
    await http.get(`/ws?token=${secret}`);
    await http.post(`/avatar/upload?token=${secret}`);
    const accessLog = await readFile(join(workDir, ACCESS_LOG), 'utf8');
    expect(accessLog).toContain('"POST /avatar/upload HTTP/1.1"');
    expect(accessLog).toContain('"GET /routers/last_messages HTTP/1.1" 200');
    expect(accessLog).toContain('"GET /ws HTTP/1.1"');
    expect(accessLog).toContain('"http://chat.example/"');
    expect(accessLog).not.toContain(secret);
  });

  it('serves the API and a chat between clients on different replicas, through nginx', async () => {
    const { token } = await createUser({ http: request(nginxUrl) }, 'via-nginx');

    // nginx alternates between the replicas, but each of its workers (one per core) on its own:
    // connect until a socket sits on each replica, telling where each landed by their gauges.
    const counts = () =>
      Promise.all(replicas.map((replica) => gauge(replica, 'chat_ws_connections')));
    const opened: ChatClient[] = [];
    const onReplica: (ChatClient | undefined)[] = [undefined, undefined];
    for (let attempt = 0; attempt < 10 && onReplica.includes(undefined); attempt++) {
      const before = await counts();
      const client = await ChatClient.connect(nginxUrl, token);
      opened.push(client);
      const after = await counts();
      const landed = after.findIndex((count, i) => count > before[i]);
      if (landed >= 0 && !onReplica[landed]) onReplica[landed] = client;
    }
    const [first, second] = onReplica;
    if (!first || !second) throw new Error('nginx put every connection on one replica');

    first.send({ message: 'across replicas' });
    expect((await second.messages(1))[0]).toMatchObject({ message: 'across replicas' });
    second.send({ message: 'and back', token });
    expect((await first.messages(2))[1]).toMatchObject({ message: 'and back' });
    for (const client of opened) client.close();
  });

  it('uploads an avatar and serves it from /static/', async () => {
    const http = request(nginxUrl);
    const user = await createUser({ http }, 'with-face');
    const watcher = await ChatClient.connect(nginxUrl);
    const png = await sharp({ create: { width: 30, height: 30, channels: 3, background: '#0a0' } })
      .png()
      .toBuffer();
    await http
      .post(`/avatar/upload?token=${user.token}`)
      .attach('image', png, 'face.png')
      .expect(201);
    const event = await watcher.next((f) => f.event === 'avatar');
    const avatar = await http
      .get(event.user_avatar as string)
      .buffer(true)
      .expect(200);
    expect(avatar.headers['content-type']).toBe('image/webp');
    expect(avatar.headers['cache-control']).toContain('immutable');
    await http.get('/static/avatars/default/01.webp').expect(200);
    watcher.close();
  });

  it('keeps /metrics from the outside while each replica serves it', async () => {
    await request(nginxUrl).get('/metrics').expect(404);
    await request(nginxUrl).get('/metrics?x=1').expect(404);
    for (const replica of replicas) await request(replica.baseUrl).get('/metrics').expect(200);
  });

  it(
    'has a Prometheus configuration that promtool accepts and that scrapes both replicas',
    async () => {
      const config = join(workDir, 'prometheus.yml');
      await writeFile(config, await prometheusConfig(replicas));
      await run('promtool', ['check', 'config', config]);

      const port = await freePort();
      const prometheus = spawn(
        'prometheus',
        [
          `--config.file=${config}`,
          `--storage.tsdb.path=${join(workDir, 'tsdb')}`,
          `--web.listen-address=127.0.0.1:${port}`,
        ],
        { stdio: 'ignore' },
      );
      try {
        const deadline = Date.now() + PROMETHEUS_WAIT_MS;
        let health: string[] = [];
        while (Date.now() < deadline) {
          health = await targetHealth(port);
          if (health.length === 2 && health.every((h) => h === 'up')) break;
          await new Promise((resolve) => setTimeout(resolve, 500));
        }
        expect(health).toEqual(['up', 'up']);
      } finally {
        await stopProcess(prometheus);
      }
    },
    PROMETHEUS_WAIT_MS + 10_000,
  );

  it('has a Grafana dashboard that queries only metrics the server exports', async () => {
    const dashboard = JSON.parse(
      await readFile(join(DOCKER, 'grafana/dashboards/chat-overview.json'), 'utf8'),
    );
    const expressions: string[] = dashboard.panels.flatMap(
      (panel: { targets: { expr: string }[] }) => panel.targets.map((target) => target.expr),
    );
    const exported = await metricNames(replicas[0]);
    const queried = new Set(expressions.flatMap(metricsIn));
    expect(queried.size).toBeGreaterThan(10);
    for (const name of queried)
      expect({ name, exported: exported.has(name) }).toEqual({ name, exported: true });
  });
});

describe('docker-compose.yml', () => {
  it('describes the production services, volumes, health checks and secrets', async () => {
    const compose = parse(await readFile(join(REPOSITORY_ROOT, 'docker-compose.yml'), 'utf8'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML document
    const services = compose.services as Record<string, Record<string, any>>;
    expect(Object.keys(services).sort()).toEqual(
      ['app1', 'app2', 'db', 'grafana', 'migrate', 'nginx', 'prometheus', 'redis'].sort(),
    );
    expect(Object.keys(compose.volumes).sort()).toEqual(
      ['avatars', 'db-data', 'grafana-data', 'prometheus-data'].sort(),
    );
    expect(services.db.image).toMatch(/^postgres:16/);
    expect(services.redis.image).toMatch(/^redis:7/);
    for (const name of ['db', 'redis', 'app1', 'app2', 'nginx', 'prometheus', 'grafana']) {
      expect({ name, healthcheck: Boolean(services[name].healthcheck?.test) }).toEqual({
        name,
        healthcheck: true,
      });
      expect(services[name].restart).toBe('unless-stopped');
    }
    for (const app of ['app1', 'app2']) {
      expect(services[app].depends_on.migrate.condition).toBe('service_completed_successfully');
      expect(services[app].environment.MIGRATE_ON_START).toBe('false');
      expect(services[app].volumes).toContain('avatars:/data/avatars');
    }
    expect(services.migrate.depends_on.db.condition).toBe('service_healthy');
    expect(services.nginx.depends_on.app1.condition).toBe('service_healthy');
    expect(services.nginx.ports).toEqual(['80:80']);
    for (const internal of ['db', 'redis', 'app1', 'app2', 'prometheus', 'grafana']) {
      expect({ internal, ports: services[internal].ports }).toEqual({ internal, ports: undefined });
    }
    // Every secret comes from .env: no literal values.
    const environment = services.app1.environment as Record<string, string>;
    for (const secret of ['JWT_SECRET', 'ADMIN_SESSION_SECRET', 'ADMIN_PASSWORD']) {
      expect(environment[secret]).toMatch(/^\$\{[A-Z_]+[:?-]/);
    }
    expect(environment.DATABASE_URL).toContain('${POSTGRES_PASSWORD');
    expect(services.db.environment.POSTGRES_PASSWORD).toMatch(/^\$\{POSTGRES_PASSWORD/);
    expect(services.grafana.environment.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{/);
  });
});

/** The repository's nginx.conf with only the upstream servers and the listen port substituted. */
async function startNginx(
  workDir: string,
  port: number,
  replicas: ServerProcess[],
): Promise<ChildProcess> {
  let config = await readFile(join(DOCKER, 'nginx/nginx.conf'), 'utf8');
  replicas.forEach((replica, index) => {
    config = config.replace(`server app${index + 1}:8000`, `server 127.0.0.1:${replica.port}`);
  });
  config = config
    .replace('server grafana:3000', `server 127.0.0.1:${await freePort()}`)
    .replace('listen 80;', `listen 127.0.0.1:${port};`)
    .replace('access_log /dev/stdout chat;', `access_log ${join(workDir, ACCESS_LOG)} chat;`);
  expect(config).not.toMatch(/app\d:8000|grafana:3000|listen 80;|\/dev\/stdout/);
  const file = join(workDir, 'nginx.conf');
  await writeFile(file, config);
  const nginx = spawn(
    'nginx',
    ['-c', file, '-p', workDir, '-g', `daemon off; pid ${join(workDir, 'nginx.pid')};`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  nginx.stderr!.on('data', (chunk) => (errors += chunk));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited: ${errors}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) return nginx;
    } catch {
      // not up yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nginx did not answer: ${errors}`);
}

/** The repository's prometheus.yml with the replica targets substituted. */
async function prometheusConfig(replicas: ServerProcess[]): Promise<string> {
  let config = await readFile(join(DOCKER, 'prometheus/prometheus.yml'), 'utf8');
  replicas.forEach((replica, index) => {
    config = config.replace(`app${index + 1}:8000`, `127.0.0.1:${replica.port}`);
  });
  return config;
}

async function targetHealth(port: number): Promise<string[]> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/api/v1/targets`);
    const body = (await response.json()) as { data: { activeTargets: { health: string }[] } };
    return body.data.activeTargets.map((target) => target.health);
  } catch {
    return [];
  }
}

async function gauge(replica: ServerProcess, name: string): Promise<number> {
  const text = await (await fetch(`${replica.baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

/** Names exported at /metrics, with the series names a histogram adds. */
async function metricNames(replica: ServerProcess): Promise<Set<string>> {
  const text = await (await fetch(`${replica.baseUrl}/metrics`)).text();
  return new Set(
    [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].flatMap(([, name, type]) =>
      type === 'histogram' ? [name, `${name}_bucket`, `${name}_sum`, `${name}_count`] : [name],
    ),
  );
}

/** Metric names in a PromQL expression: identifiers that are not functions, keywords or labels. */
function metricsIn(expression: string): string[] {
  const withoutLabels = expression.replace(/\{[^}]*\}/g, '').replace(/by \([^)]*\)/g, '');
  return [...withoutLabels.matchAll(/[a-z_][a-z0-9_]*(?![a-z0-9_]*\s*\()/gi)]
    .map(([name]) => name)
    .filter((name) => name.includes('_') && !/^\d/.test(name));
}
