import { ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nginxConfigFor, NginxPlacement } from './nginx-config';
import { processIds } from './host-usage';

const REPOSITORY = join(__dirname, '../../..');
/** Debian's nginx, as the deployment's image runs it. */
const NGINX = '/usr/sbin/nginx';
const START_TIMEOUT_MS = 10_000;
const STOP_TIMEOUT_MS = 10_000;
/** nginx logs every refused upstream connection: the first 256 KiB say what went wrong. */
const ERRORS_KEPT = 256 * 1024;

export interface RunningNginx {
  process: ChildProcess;
  url: string;
  /** The configuration as run. */
  config: string;
  /** What nginx wrote to its error log (stderr) so far, up to ERRORS_KEPT characters. */
  errors: () => string;
}

/** Debian's nginx in the foreground with the project's configuration, placed by nginxConfigFor. */
export async function startNginx(placement: NginxPlacement): Promise<RunningNginx> {
  const template = await readFile(join(REPOSITORY, 'docker/nginx/nginx.conf'), 'utf8');
  const config = nginxConfigFor(template, placement);
  const { workDir, listenPort } = placement;
  const file = join(workDir, 'nginx.conf');
  await writeFile(file, config);
  const child = spawn(
    NGINX,
    [
      '-p',
      workDir,
      '-c',
      file,
      '-e',
      'stderr',
      '-g',
      `daemon off; pid ${join(workDir, 'nginx.pid')};`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let errors = '';
  child.stderr!.on('data', (chunk) => {
    if (errors.length < ERRORS_KEPT) errors += chunk;
  });
  const url = `http://127.0.0.1:${listenPort}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/health/live`)).ok)
        return { process: child, url, config, errors: () => errors };
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await stopNginx({ process: child, url, config, errors: () => errors });
  throw new Error(`nginx did not answer: ${errors}`);
}

/** SIGTERM, nginx's fast stop (it closes open WebSockets); SIGKILL to it and its workers if late. */
export async function stopNginx(nginx: RunningNginx): Promise<void> {
  const child = nginx.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const workers = workerPids(nginx);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => {
      for (const pid of workers) killQuietly(pid);
      child.kill('SIGKILL');
    }, STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** The distinct messages of the error log at `levels` (alert, crit...), without their times. */
export function logMessages(nginx: RunningNginx, levels: string[]): string[] {
  const lines = nginx.errors().split('\n');
  const wanted = lines.filter((line) => levels.some((level) => line.includes(`[${level}]`)));
  return [
    ...new Set(wanted.map((line) => line.replace(/^\S+ \S+ (\[\w+\]) \d+#\d+: (\*\d+ )?/, '$1 '))),
  ];
}

/** Resident memory of nginx's workers together (the master holds no connections). */
export function workersRss(nginx: RunningNginx): number {
  return workerPids(nginx).reduce((total, pid) => total + rssOf(pid), 0);
}

function workerPids(nginx: RunningNginx): number[] {
  const master = nginx.process.pid;
  return processIds().filter((pid) => Number(/PPid:\s+(\d+)/.exec(statusOf(pid))?.[1]) === master);
}

function rssOf(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(statusOf(pid))?.[1] ?? 0) * 1024;
}

/** /proc/<pid>/status, or '' for a process that ended meanwhile. */
function statusOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return '';
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // gone already
  }
}
