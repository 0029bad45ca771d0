import { ChildProcess, fork, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { SERVER_NODE_FLAGS } from '../../chat-server/src/node-flags';
import { cpuSecondsOfStat, databaseCpuSeconds } from './host-usage';

const REPOSITORY = join(__dirname, '../../..');
const CHAT_MAIN = join(REPOSITORY, 'dist/apps/chat-server/apps/chat-server/src/main.js');
const START_TIMEOUT_MS = 60_000;

export type ServerKind = 'naive' | 'coalescing' | 'chat';

/** One pair of secrets per run, so a token issued by one chat instance works on every other. */
const SECRETS = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  ADMIN_SESSION_SECRET: randomBytes(32).toString('hex'),
};

export interface RunningServer {
  kind: ServerKind;
  process: ChildProcess;
  httpUrl: string;
  wsUrl: string;
  /** The inspector's port, when started with `inspect` (see collectGarbage). */
  inspectPort?: number;
}

export interface StartOptions {
  /** Opens the inspector on loopback, so the bench can ask for a full garbage collection. */
  inspect?: boolean;
}

export async function startServer(
  kind: ServerKind,
  variables: Record<string, string> = {},
  options: StartOptions = {},
): Promise<RunningServer> {
  const port = await freePort();
  const httpUrl = `http://127.0.0.1:${port}`;
  const wsUrl = `ws://127.0.0.1:${port}/ws`;
  const inspectPort = options.inspect ? await freePort() : undefined;
  const inspect = inspectPort ? [`--inspect=127.0.0.1:${inspectPort}`] : [];
  if (kind === 'chat') {
    // With the V8 flags it runs with in production (npm start, the Docker image).
    const child = spawn(process.execPath, [...SERVER_NODE_FLAGS, ...inspect, CHAT_MAIN], {
      env: {
        ...process.env,
        // As in production: no AdminJS watcher, JSON logs (only errors), real secrets.
        NODE_ENV: 'production',
        ...SECRETS,
        PORT: String(port),
        LOG_LEVEL: 'error',
        BCRYPT_COST: '4',
        AUTH_RATE_LIMIT: '1000000',
        MESSAGE_RATE_LIMIT: '1000000',
        MESSAGE_RATE_BURST: '1000000',
        // The history step times one user's searches back to back.
        SEARCH_RATE_LIMIT: '1000000',
        SEARCH_RATE_BURST: '1000000',
        // Every simulated client comes from 127.0.0.1.
        WS_MAX_CONNECTIONS_PER_ADDRESS: '1000000',
        // The rooms scenario has each room made by its first member, every user in two rooms.
        ROOMS_CREATED_PER_HOUR: '1000000',
        ROOMS_PER_USER: '1000',
        ADMIN_JS_SKIP_BUNDLE: 'true',
        ...variables,
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitForHealth(httpUrl, child);
    return { kind, process: child, httpUrl, wsUrl, inspectPort };
  }
  const file = join(__dirname, 'baselines', `${kind}.ts`);
  // tsx as a loader inside this very process, so the PID measured is the server's own.
  const child = fork(file, [String(port)], {
    execArgv: ['--import', 'tsx', ...inspect],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`${kind} baseline exited (${code})`)));
  });
  return { kind, process: child, httpUrl, wsUrl, inspectPort };
}

/** Stops a server; one already stopped (by its code or a signal) is left as it is. */
export async function stopServer(server: RunningServer): Promise<void> {
  const { exitCode, signalCode } = server.process;
  if (exitCode !== null || signalCode !== null) return;
  await new Promise<void>((resolve) => {
    server.process.once('exit', () => resolve());
    server.process.kill('SIGTERM');
  });
}

/** CPU seconds used so far and resident memory, from /proc. */
export function processUsage(child: ChildProcess): { cpuSeconds: number; rssBytes: number } {
  const cpuSeconds = cpuSecondsOfStat(readFileSync(`/proc/${child.pid}/stat`, 'utf8'));
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return { cpuSeconds, rssBytes: rssKb * 1024 };
}

/** The variables of a chat instance joined by Redis to the others started with the same `name`. */
export function redisVariables(databaseUrl: string, name: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `chat-bench-${name}-${process.pid}:`,
  };
}

/** The servers' CPU seconds so far, together. */
export function cpuSecondsOf(servers: RunningServer[]): number {
  return servers.reduce((sum, server) => sum + processUsage(server.process).cpuSeconds, 0);
}

/** The value of one series (its name and labels as /metrics prints them), if it is there yet. */
export async function metricOf(server: RunningServer, series: string): Promise<number | undefined> {
  const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const QUIET_SHARE = 0.1;
const QUIET_WINDOW_MS = 200;

/**
 * Waits until the servers' and PostgreSQL's CPU together over a short window is under a tenth of a
 * core (their work for the sockets just opened, such as presence, and any insert still running
 * are done), for at most `maxMs`: a step then measures its traffic, not the handshakes or the
 * step before it.
 */
export async function untilQuiet(servers: RunningServer[], maxMs: number): Promise<void> {
  const cpu = () => cpuSecondsOf(servers) + (databaseCpuSeconds() || 0);
  const deadline = Date.now() + maxMs;
  while (Date.now() < deadline) {
    const before = cpu();
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
    if (cpu() - before < (QUIET_SHARE * QUIET_WINDOW_MS) / 1000) return;
  }
}

/**
 * A full garbage collection in a server started with `inspect`, through the inspector protocol,
 * so that a memory reading counts what is kept rather than garbage not yet collected.
 */
export async function collectGarbage(server: RunningServer): Promise<void> {
  const targets = (await (
    await fetch(`http://127.0.0.1:${server.inspectPort}/json/list`)
  ).json()) as { webSocketDebuggerUrl: string }[];
  const session = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise<void>((resolve, reject) => {
    session.once('error', reject);
    session.once('open', () =>
      session.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })),
    );
    session.on('message', (data) => {
      if ((JSON.parse(String(data)) as { id?: number }).id === 1) resolve();
    });
  });
  await new Promise<void>((resolve) => {
    session.once('close', () => resolve());
    session.close();
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/health/live`)).ok) return;
    } catch {
      // starting
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`chat server did not start (exit ${child.exitCode})`);
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
