// npm run bench [-- --smoke] [-- --no-write]: the chat server against two bare-WebSocket baselines
// under identical load in one run, reported as ratios. Loopback only; every phase is bounded.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { closeSockets, LoadResult, openSockets, runLoad } from './load';
import {
  collectGarbage,
  processUsage,
  RunningServer,
  ServerKind,
  startServer,
  stopServer,
} from './servers';
import { median, Percentiles, percentiles } from './stats';

const smoke = process.argv.includes('--smoke');
const write = !smoke && !process.argv.includes('--no-write');
const PROFILE = smoke
  ? {
      connections: 50,
      senders: 5,
      rates: [20, 40],
      stepMs: 1_000,
      rounds: 1,
      latencyRate: 10,
      latencyMs: 1_000,
      idle: 1_000,
      history: 2_000,
      historyRequests: 20,
    }
  : {
      connections: 1_000,
      senders: 10,
      rates: [25, 35, 50, 70, 100, 140, 200, 280, 400, 560, 800, 1120, 1600],
      stepMs: 3_000,
      rounds: 3,
      latencyRate: 20,
      latencyMs: 8_000,
      idle: 10_000,
      history: 1_000_000,
      historyRequests: 2_000,
    };
const KINDS: ServerKind[] = ['naive', 'coalescing', 'chat'];
const SERVER_DATABASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DATABASE = 'chat_bench';

interface FanoutStep {
  rate: number;
  result: LoadResult;
  cpuSeconds: number;
}

async function main(): Promise<void> {
  const started = performance.now();
  const databaseUrl = await freshDatabase();
  const servers = new Map<ServerKind, RunningServer>();
  for (const kind of KINDS)
    servers.set(kind, await startServer(kind, { DATABASE_URL: databaseUrl }));
  const tokens = await chatTokens(servers.get('chat')!.httpUrl, PROFILE.senders);
  const tokensFor = (kind: ServerKind) => (kind === 'chat' ? tokens : undefined);

  try {
    // 1. Fan-out: rising rate until fewer than 99% of deliveries arrive or p99 passes 100 ms.
    const fanout = new Map<ServerKind, number[]>(KINDS.map((k) => [k, []]));
    const fanoutSteps = new Map<string, FanoutStep[]>();
    for (let round = 0; round < PROFILE.rounds; round++) {
      for (const kind of KINDS) {
        const steps = await fanoutRound([servers.get(kind)!], tokensFor(kind));
        fanoutSteps.set(kind, steps);
        fanout.get(kind)!.push(highestPassing(steps));
      }
    }

    // 2. Latency at a moderate load.
    const latency = new Map<ServerKind, LoadResult[]>(KINDS.map((k) => [k, []]));
    for (let round = 0; round < PROFILE.rounds; round++) {
      for (const kind of KINDS) {
        latency.get(kind)!.push(
          await runLoad({
            wsUrls: [servers.get(kind)!.wsUrl],
            connections: PROFILE.connections,
            senders: PROFILE.senders,
            rate: PROFILE.latencyRate,
            durationMs: PROFILE.latencyMs,
            senderTokens: tokensFor(kind),
          }),
        );
      }
    }
    for (const server of servers.values()) await stopServer(server);
    servers.clear();

    // 5. Scale-out: the fan-out again, the sockets spread over two instances joined by Redis.
    const scaleOut = await scaleOutFanout(databaseUrl, tokens);
    fanoutSteps.set('chat, two instances', scaleOut.lastSteps);

    // 3. Idle memory per connection, each on a freshly started server.
    const idle = new Map<ServerKind, number>();
    for (const kind of ['naive', 'chat'] as ServerKind[]) {
      idle.set(kind, await idleGrowth(kind, databaseUrl, tokens[0]));
    }

    // 4. History with many stored messages.
    const history = await historyLatency(databaseUrl);

    const report = render({
      fanout,
      fanoutSteps,
      latency,
      idle,
      history,
      scaleOut: scaleOut.results,
      seconds: (performance.now() - started) / 1000,
    });
    console.log(report.table);
    console.log(`BENCH_RESULT ${JSON.stringify(report.summary)}`);
    if (write) writeFileSync(join(__dirname, '../../../BENCHMARKS.md'), report.markdown);
  } finally {
    for (const server of servers.values()) await stopServer(server);
    await dropDatabase();
  }
}

async function fanoutRound(servers: RunningServer[], tokens?: string[]): Promise<FanoutStep[]> {
  const steps: FanoutStep[] = [];
  const cpu = () =>
    servers.reduce((sum, server) => sum + processUsage(server.process).cpuSeconds, 0);
  const step = async (rate: number): Promise<FanoutStep> => {
    const before = cpu();
    const result = await runLoad({
      wsUrls: servers.map((server) => server.wsUrl),
      connections: PROFILE.connections,
      senders: PROFILE.senders,
      rate,
      durationMs: PROFILE.stepMs,
      senderTokens: tokens,
    });
    return { rate, result, cpuSeconds: cpu() - before };
  };
  for (const rate of PROFILE.rates) {
    // A failed step is run once more before the search stops: one hiccup of these shared cores
    // (another process, a collection) should not end it.
    let attempt = await step(rate);
    if (!passes(attempt)) {
      steps.push(attempt);
      attempt = await step(rate);
    }
    steps.push(attempt);
    if (!passes(attempt)) break;
  }
  return steps;
}

/** A fan-out step passes with at least 99% of deliveries and p99 within 100 ms. */
function passes(step: FanoutStep): boolean {
  return step.result.ratio >= 0.99 && step.result.latencyMs.p99 <= 100;
}

/** The highest deliveries/s among the steps that passed (0 when none did). */
function highestPassing(steps: FanoutStep[]): number {
  return Math.max(0, ...steps.filter(passes).map((step) => step.result.deliveriesPerSecond));
}

async function scaleOutFanout(
  databaseUrl: string,
  tokens: string[],
): Promise<{ results: number[]; lastSteps: FanoutStep[] }> {
  const redis = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `chat-bench-${process.pid}:`,
  };
  const pair = [await startServer('chat', redis), await startServer('chat', redis)];
  try {
    const results: number[] = [];
    let lastSteps: FanoutStep[] = [];
    for (let round = 0; round < PROFILE.rounds; round++) {
      lastSteps = await fanoutRound(pair, tokens);
      results.push(highestPassing(lastSteps));
    }
    return { results, lastSteps };
  } finally {
    for (const server of pair) await stopServer(server);
  }
}

async function idleGrowth(kind: ServerKind, databaseUrl: string, token: string): Promise<number> {
  const server = await startServer(kind, { DATABASE_URL: databaseUrl }, { inspect: true });
  // Read after a full collection, so the figure is what the connections keep, not garbage.
  const rss = async () => {
    await collectGarbage(server);
    await settle(500);
    return processUsage(server.process).rssBytes;
  };
  try {
    await settle(1_000);
    const before = await rss();
    const url = kind === 'chat' ? `${server.wsUrl}?token=${token}` : server.wsUrl;
    const sockets = await openSockets(() => url, PROFILE.idle);
    await settle(2_000);
    const after = await rss();
    await closeSockets(sockets);
    return (after - before) / PROFILE.idle;
  } finally {
    await stopServer(server);
  }
}

async function historyLatency(databaseUrl: string) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  const server = await startServer('chat', { DATABASE_URL: databaseUrl });
  const bare = await startServer('naive');
  try {
    const [{ count }] = (await client.query('SELECT count(*)::int AS count FROM messages')).rows;
    if (count < PROFILE.history) {
      const { rows } = await client.query('SELECT id FROM users ORDER BY id LIMIT 1');
      await client.query(
        `INSERT INTO messages (user_id, text) SELECT $1, 'history ' || n FROM generate_series(1, $2) n`,
        [rows[0].id, PROFILE.history - count],
      );
      // As a table in service would be: vacuumed (hint bits, visibility map) and checkpointed, so
      // the first autovacuum of a fresh million rows does not run during the measurement.
      await client.query('VACUUM ANALYZE messages');
      await client.query('CHECKPOINT');
    }
    const [{ max }] = (await client.query('SELECT max(id)::bigint AS max FROM messages')).rows;
    const routes = {
      last: () => httpRequest(server.httpUrl, 'GET', '/routers/last_messages'),
      load: () =>
        httpRequest(server.httpUrl, 'POST', '/routers/load', {
          id_message: 1 + Math.floor(Math.random() * Number(max)),
        }),
      baseline: () => httpRequest(bare.httpUrl, 'GET', '/'),
    };
    const time = async (send: () => Promise<void>) => {
      const samples: number[] = [];
      for (let i = 0; i < PROFILE.historyRequests; i++) {
        const start = performance.now();
        await send();
        samples.push(performance.now() - start);
      }
      return percentiles(samples);
    };
    for (const send of Object.values(routes)) await time(send); // warm-up
    // Rounds alternate the routes; each figure is the median of the rounds' percentiles.
    const rounds: Record<keyof typeof routes, Percentiles[]> = { last: [], load: [], baseline: [] };
    for (let round = 0; round < PROFILE.rounds; round++) {
      for (const [name, send] of Object.entries(routes)) {
        rounds[name as keyof typeof routes].push(await time(send));
      }
    }
    const [last, load, baseline] = [rounds.last, rounds.load, rounds.baseline].map(medianOf);
    return { messages: Math.max(count, PROFILE.history), last, load, baseline };
  } finally {
    await stopServer(bare);
    await stopServer(server);
    await client.end();
  }
}

/** Each percentile's median over several measurements. */
function medianOf(runs: Percentiles[]): Percentiles {
  const at = (key: keyof Percentiles) => median(runs.map((run) => run[key]));
  return { p50: at('p50'), p95: at('p95'), p99: at('p99'), max: at('max') };
}

const keepAlive = new Agent({ keepAlive: true, maxSockets: 1 });

/** One request over a kept-alive connection (lighter on the client than fetch). */
function httpRequest(baseUrl: string, method: string, path: string, body?: object): Promise<void> {
  const payload = body ? JSON.stringify(body) : undefined;
  return new Promise((resolve, reject) => {
    const req = request(
      `${baseUrl}${path}`,
      { method, agent: keepAlive, headers: payload ? { 'content-type': 'application/json' } : {} },
      (response) => {
        response.on('data', () => undefined);
        response.on('end', () =>
          response.statusCode === 200
            ? resolve()
            : reject(new Error(`${path}: ${response.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function chatTokens(httpUrl: string, count: number): Promise<string[]> {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const body = JSON.stringify({ name: `bench-${process.pid}-${i}`, password: 'bench password' });
    const headers = { 'content-type': 'application/json' };
    await fetch(`${httpUrl}/auth/register-user`, { method: 'POST', headers, body });
    const login = await fetch(`${httpUrl}/user/login`, { method: 'POST', headers, body });
    tokens.push(((await login.json()) as { token: string }).token);
  }
  return tokens;
}

async function freshDatabase(): Promise<string> {
  await onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${BENCH_DATABASE}`);
  const url = new URL(SERVER_DATABASE);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

function dropDatabase(): Promise<void> {
  return onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
}

async function onServer(sql: string): Promise<void> {
  const client = new Client({ connectionString: SERVER_DATABASE });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

interface Measurements {
  fanout: Map<ServerKind, number[]>;
  fanoutSteps: Map<string, FanoutStep[]>;
  latency: Map<ServerKind, LoadResult[]>;
  idle: Map<ServerKind, number>;
  history: Awaited<ReturnType<typeof historyLatency>>;
  scaleOut: number[];
  seconds: number;
}

function render(m: Measurements) {
  const fan = (kind: ServerKind) => median(m.fanout.get(kind)!);
  const p = (kind: ServerKind, key: 'p50' | 'p95' | 'p99' | 'max') =>
    median(m.latency.get(kind)!.map((r) => r.latencyMs[key]));
  const ratio = (kind: ServerKind) => median(m.latency.get(kind)!.map((r) => r.ratio));
  const summary = {
    fanout: { naive: fan('naive'), coalescing: fan('coalescing'), chat: fan('chat') },
    fanoutVsNaive: fan('chat') / fan('naive'),
    fanoutVsCoalescing: fan('chat') / fan('coalescing'),
    latencyP99: {
      naive: p('naive', 'p99'),
      coalescing: p('coalescing', 'p99'),
      chat: p('chat', 'p99'),
    },
    deliveryRatio: { naive: ratio('naive'), coalescing: ratio('coalescing'), chat: ratio('chat') },
    idleBytesPerConnection: { naive: m.idle.get('naive')!, chat: m.idle.get('chat')! },
    idleVsNaive: m.idle.get('chat')! / m.idle.get('naive')!,
    history: { messages: m.history.messages, lastMessages: m.history.last, load: m.history.load },
    scaleOut: { twoInstances: median(m.scaleOut), vsOne: median(m.scaleOut) / fan('chat') },
    seconds: Math.round(m.seconds),
  };
  const f = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
  const k = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
  const rows = [
    '| measure | naive | coalescing | chat server | chat / naive | chat / coalescing |',
    '|---|---|---|---|---|---|',
    `| fan-out: highest sustained deliveries/s (C=${PROFILE.connections}, S=${PROFILE.senders}) | ${k(fan('naive'))} | ${k(fan('coalescing'))} | ${k(fan('chat'))} | ${f(summary.fanoutVsNaive, 2)}x | ${f(summary.fanoutVsCoalescing, 2)}x |`,
    ...(['p50', 'p95', 'p99', 'max'] as const).map(
      (key) =>
        `| latency ${key} at R=${PROFILE.latencyRate} msg/s (ms) | ${f(p('naive', key))} | ${f(p('coalescing', key))} | ${f(p('chat', key))} | ${f(p('chat', key) - p('naive', key))} ms more | |`,
    ),
    `| delivery ratio at R=${PROFILE.latencyRate} | ${f(ratio('naive'), 4)} | ${f(ratio('coalescing'), 4)} | ${f(ratio('chat'), 4)} | | |`,
    `| idle RSS growth per connection (bytes, ${k(PROFILE.idle)} connections) | ${k(m.idle.get('naive')!)} | | ${k(m.idle.get('chat')!)} | ${f(summary.idleVsNaive, 2)}x | |`,
    `| scale-out: deliveries/s with two instances over Redis | | | ${k(summary.scaleOut.twoInstances)} | ${f(summary.scaleOut.vsOne, 2)}x one instance | |`,
  ];
  const historyRows = [
    '| request (with ' + k(m.history.messages) + ' stored messages) | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|',
    `| GET /routers/last_messages | ${f(m.history.last.p50, 2)} | ${f(m.history.last.p99, 2)} | ${f(m.history.last.max, 2)} |`,
    `| POST /routers/load (random id) | ${f(m.history.load.p50, 2)} | ${f(m.history.load.p99, 2)} | ${f(m.history.load.max, 2)} |`,
    `| baseline: bare Node HTTP server, same client | ${f(m.history.baseline.p50, 2)} | ${f(m.history.baseline.p99, 2)} | ${f(m.history.baseline.max, 2)} |`,
  ];
  const steps = [...m.fanoutSteps.entries()].flatMap(([kind, list]) =>
    list.map(
      (s) =>
        `| ${kind} | ${s.rate} | ${k(s.result.deliveriesPerSecond)} | ${f(s.result.ratio, 4)} | ${f(s.result.latencyMs.p50)} | ${f(s.result.latencyMs.p99)} | ${f((100 * s.cpuSeconds) / (PROFILE.stepMs / 1000), 0)}% |`,
    ),
  );
  const verdict = (met: boolean) => (met ? 'met' : '**not met**');
  const historyP99 = Math.max(m.history.last.p99, m.history.load.p99);
  const targets = [
    '| target (issue #7) | measured | |',
    '|---|---|---|',
    `| fan-out at least 1.0x naive | ${f(summary.fanoutVsNaive, 2)}x | ${verdict(summary.fanoutVsNaive >= 1)} |`,
    `| fan-out at least 0.3x coalescing | ${f(summary.fanoutVsCoalescing, 2)}x | ${verdict(summary.fanoutVsCoalescing >= 0.3)} |`,
    `| latency p99 at most naive + 10 ms | ${f(p('chat', 'p99') - p('naive', 'p99'))} ms more | ${verdict(p('chat', 'p99') <= p('naive', 'p99') + 10)} |`,
    `| idle memory at most 1.5x the baseline | ${f(summary.idleVsNaive, 2)}x | ${verdict(summary.idleVsNaive <= 1.5)} |`,
    `| history pages p99 under 5 ms | ${f(historyP99, 2)} ms | ${verdict(historyP99 < 5)} |`,
    `| scale-out: two instances at least 1.6x one | ${f(summary.scaleOut.vsOne, 2)}x | ${verdict(summary.scaleOut.vsOne >= 1.6)} |`,
  ];
  const table = [...rows, '', ...historyRows, '', ...targets].join('\n');
  const machine = machineDescription();
  const markdown = `# Benchmarks

Produced by \`npm run bench\` (apps/chat-bench), which rewrites this file. Every figure comes from
one run in which the chat server and two bare-WebSocket baselines took the identical load on the
same machine: **naive** (one JSON.stringify, then client.send per client) and **coalescing** (the
frame built once; all frames due for a socket in one event-loop turn written with one write). The
load generator is one Node process on the same 2 cores, so it competes with the server it
measures; ratios matter more than absolute numbers. Medians of ${PROFILE.rounds} alternating rounds.
Each step opens fresh sockets and waits half a second before the first message. In the fan-out
search a step that fails is run once more before the search stops (both attempts are listed
below). Idle memory is read after a full garbage collection of the measured process (asked for
through its inspector), so it counts what the connections keep rather than garbage.

Machine: ${machine}. Run took ${summary.seconds} s.

${table}

Fan-out steps of the last round (a step passes with a delivery ratio of at least 0.99 and p99 at
most 100 ms; server CPU is the share of one core, both instances together for the pair). The two
instances share this machine's cores with the load generator, PostgreSQL and Redis, so the pair
has no more CPU than one instance had: the scale-out row measures the cost of the Redis hop here,
not the gain of a second machine.

| server | msg/s | deliveries/s | ratio | p50 ms | p99 ms | server CPU |
|---|---|---|---|---|---|---|
${steps.join('\n')}

History latencies are measured from the load generator over one kept-alive connection, after
${k(PROFILE.historyRequests)} warm-up requests, in ${PROFILE.rounds} alternating rounds of ${k(PROFILE.historyRequests)} requests per route
(medians of the rounds' percentiles);
the bare-HTTP row is the same client against a Node server that answers at once, the floor any
figure above includes.
`;
  return { table, summary, markdown };
}

function machineDescription(): string {
  const postgres = (() => {
    try {
      return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'PostgreSQL (version unknown)';
    }
  })();
  return `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${postgres}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
