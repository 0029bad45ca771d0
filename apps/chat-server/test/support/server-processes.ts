import { ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { SERVER_NODE_FLAGS } from '../../src/node-flags';

export const REPOSITORY_ROOT = join(__dirname, '../../../..');
/** Built by `npm start` or `npm run build`. */
export const BUILT_MAIN = join(
  REPOSITORY_ROOT,
  'dist/apps/chat-server/apps/chat-server/src/main.js',
);
const STARTUP_TIMEOUT_MS = 150_000;
const EXIT_TIMEOUT_MS = 30_000;

export interface ServerProcess {
  server: ChildProcess;
  baseUrl: string;
  port: number;
  /** Everything it wrote to stdout and stderr so far. */
  output: () => string;
}

/** The built server as its own process on `variables.PORT` or a free loopback port. */
export async function startBuiltServer(
  databaseUrl: string,
  variables: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = variables.PORT ? Number(variables.PORT) : await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    BCRYPT_COST: '4',
    LOG_LEVEL: 'warn',
    MESSAGE_RATE_LIMIT: '100000',
    MESSAGE_RATE_BURST: '100000',
    ...variables,
  };
  const server = spawn(process.execPath, [...SERVER_NODE_FLAGS, BUILT_MAIN], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  server.stdout!.on('data', (chunk) => (output += chunk));
  server.stderr!.on('data', (chunk) => (output += chunk));
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitUntilServing(baseUrl, server);
  return { server, baseUrl, port, output: () => output };
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

/** Polls until `baseUrl` answers, the child exits, or the start-up time is up. */
export async function waitUntilServing(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${baseUrl}/health/live`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${baseUrl} did not start (exit code ${child.exitCode})`);
}

export function exitOf(
  child: ChildProcess,
  timeoutMs = EXIT_TIMEOUT_MS,
): Promise<{ code: number | null; signal: string | null }> {
  if (child.exitCode !== null || child.signalCode !== null) {
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  }
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the process did not exit')), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal });
    });
  });
}

/** Sends SIGTERM and waits for the exit. */
export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await exitOf(child);
}
