// Issue #22, target 6: sockets through the real stack. Debian's nginx with the project's
// configuration in front of two chat instances joined by Redis; idle memory per connection, one
// broadcast to every socket, and every socket of an instance killed with SIGKILL coming back
// through nginx to the other one, resuming without a message lost or repeated.
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ChatApiError, ChatHttp } from '@chat/client';
import { analyzeDatabase } from './bench-database';
import { BroadcastDelivery, BroadcastLedger } from './broadcast-ledger';
import { settledRss } from './idle-memory';
import { socketsPerWorker } from './nginx-config';
import { logMessages, RunningNginx, startNginx, stopNginx, workersRss } from './nginx-process';
import {
  freePort,
  metricOf,
  redisVariables,
  RunningServer,
  startServer,
  stopServer,
} from './servers';
import {
  ATTEMPT_TIMEOUT_MS,
  RecoveryFigures,
  recoveryFigures,
  Reconnector,
} from './stack-reconnect';
import { GENERAL_ROOM, StackSocket } from './stack-socket';
import { registerStackUsers } from './stack-users';

export interface NginxStackProfile {
  /** Sockets through nginx, over the two instances. */
  sockets: number;
}

export interface NginxStackResult {
  sockets: number;
  users: number;
  /** nginx's worker_connections over two: the proxied sockets one worker holds. */
  socketsPerNginxWorker: number;
  /** The sockets each instance held (its chat_ws_connections) before the kill. */
  perInstance: number[];
  /** Resident memory each idle connection added, read after a full garbage collection. */
  idleBytesPerConnection: { instances: number; nginxWorkers: number; bare: number };
  broadcast: BroadcastDelivery;
  recovery: RecoveryFigures;
  /** Resumes answered `recovered: false` (more missed than the server replays). */
  unrecoveredResumes: number;
  /** Changes of the general room a socket received twice on one connection. */
  repeats: number;
  /** Messages posted through nginx right after the kill, one every OUTAGE_SPACING_MS. */
  outage: {
    posted: number;
    stored: number;
    /** The HTTP statuses of refused attempts (0: no answer), each retried with its client_id. */
    refusals: number[];
    missing: number;
    duplicates: number;
  };
  afterRecovery: BroadcastDelivery;
  /** nginx's error log above warnings, each message once (up to NGINX_LOG_LINES). */
  nginxLog: string[];
}

/** Sockets per user: a user with several tabs and devices; far fewer registrations to make. */
const SOCKETS_PER_USER = 10;
/** Handshakes (each with its auth) in flight at once while the sockets open. */
const OPEN_BATCH = 100;
const OUTAGE_MESSAGES = 5;
const OUTAGE_SPACING_MS = 100;
const POST_ATTEMPTS = 3;
const SETTLE_MS = 2_000;
const DELIVERY_WAIT_MS = 30_000;
const RECOVERY_WAIT_MS = 120_000;
const POLL_MS = 20;
/** Bounds the reconnections: every socket may drop this many times before the bench gives up. */
const MAX_DROPS_PER_SOCKET = 3;
const NGINX_LOG_LINES = 5;

/**
 * Opens `profile.sockets` protocol v2 sockets through nginx over two chat instances and measures
 * them: idle memory per connection against the bare naive server's (`bare`, from idleGrowth, read
 * the same way after `startMs`), a broadcast, and the recovery from a SIGKILL of one instance.
 */
export async function throughNginx(
  databaseUrl: string,
  profile: NginxStackProfile,
  bare: number,
  startMs: number,
): Promise<NginxStackResult> {
  const workDir = await mkdtemp(join(tmpdir(), 'chat-bench-nginx-'));
  // nginx's workers run as nobody and keep their temporary files under it.
  await chmod(workDir, 0o755);
  const instances: RunningServer[] = [];
  let nginx: RunningNginx | undefined;
  const sockets: StackSocket[] = [];
  const reconnector = new Reconnector(MAX_DROPS_PER_SOCKET * profile.sockets);
  try {
    const variables = {
      ...redisVariables(databaseUrl, 'nginx'),
      // As deployed: the client's address from nginx's X-Forwarded-For.
      TRUST_PROXY: 'loopback',
    };
    for (let i = 0; i < 2; i++) {
      instances.push(await startServer('chat', variables, { inspect: true }));
    }
    const started = performance.now();
    nginx = await startNginx({
      listenPort: await freePort(),
      upstreamPorts: instances.map((instance) => Number(new URL(instance.httpUrl).port)),
      unusedPort: await freePort(),
      workDir,
    });
    const users = Math.ceil(profile.sockets / SOCKETS_PER_USER);
    const tokens = await registerStackUsers(nginx.url, users);
    await analyzeDatabase(databaseUrl);

    const ledger = new BroadcastLedger(profile.sockets);
    const wsUrl = `${nginx.url.replace(/^http/, 'ws')}/ws`;
    const events = {
      message: (socket: StackSocket, text: string) =>
        ledger.record(socket.index, text, performance.now()),
      dropped: (socket: StackSocket) => reconnector.dropped(socket),
    };
    for (let i = 0; i < profile.sockets; i++) {
      sockets.push(new StackSocket(i, wsUrl, tokens[i % users], events));
    }

    // Idle memory: the instances' and nginx's growth from before the sockets to after, first read
    // once the instances have run `startMs` (BenchProfile.idleStartMs), as the bare figure is.
    await settle(Math.max(SETTLE_MS, startMs - (performance.now() - started)));
    const before = await memory(instances, nginx);
    for (let start = 0; start < sockets.length; start += OPEN_BATCH) {
      const batch = sockets.slice(start, start + OPEN_BATCH);
      await Promise.all(batch.map((socket) => socket.connect(ATTEMPT_TIMEOUT_MS)));
    }
    await settle(SETTLE_MS);
    const after = await memory(instances, nginx);
    const perInstance = await Promise.all(instances.map(openConnections));

    const broadcastText = `nginx-stack ${process.pid} broadcast`;
    const broadcastDelivery = await broadcast(sockets, broadcastText, ledger);

    // The kill: every socket of the first instance drops and comes back through nginx.
    const killedAt = performance.now();
    instances[0].process.kill('SIGKILL');
    const outage = await postDuringOutage(nginx.url, tokens[0], ledger);
    await until(
      () => reconnector.reconnections.length >= perInstance[0] && reconnector.pending === 0,
      RECOVERY_WAIT_MS,
    );
    const recovery = recoveryFigures(reconnector.reconnections, killedAt);
    await until(
      () => outage.stored.every((text) => ledger.received(text) === profile.sockets),
      DELIVERY_WAIT_MS,
    );
    const outageDeliveries = outage.stored.map((text) => ledger.delivery(text));
    const afterText = `nginx-stack ${process.pid} after recovery`;
    const afterRecovery = await broadcast(sockets, afterText, ledger);

    return {
      sockets: profile.sockets,
      users,
      socketsPerNginxWorker: socketsPerWorker(nginx.config),
      perInstance,
      idleBytesPerConnection: {
        instances: (after.instances - before.instances) / profile.sockets,
        nginxWorkers: (after.nginxWorkers - before.nginxWorkers) / profile.sockets,
        bare,
      },
      broadcast: broadcastDelivery,
      recovery,
      unrecoveredResumes: sockets.reduce((sum, socket) => sum + socket.unrecovered, 0),
      repeats: sockets.reduce((sum, socket) => sum + socket.repeats, 0),
      outage: {
        posted: OUTAGE_MESSAGES,
        stored: outage.stored.length,
        refusals: outage.refusals,
        missing: outageDeliveries.reduce((sum, delivery) => sum + delivery.missing, 0),
        duplicates: outageDeliveries.reduce((sum, delivery) => sum + delivery.duplicates, 0),
      },
      afterRecovery,
      nginxLog: logMessages(nginx, ['error', 'crit', 'alert', 'emerg']).slice(0, NGINX_LOG_LINES),
    };
  } finally {
    reconnector.stop();
    await Promise.all(sockets.map((socket) => socket.close()));
    if (nginx) await stopNginx(nginx);
    // stopServer waits for an exit that a killed instance has had already.
    for (const instance of instances) {
      if (instance.process.signalCode === null) await stopServer(instance);
    }
    await rm(workDir, { recursive: true, force: true });
  }
}

/** Sends `text` to the general room from an open socket and waits (bounded) until every socket has it. */
async function broadcast(
  sockets: StackSocket[],
  text: string,
  ledger: BroadcastLedger,
): Promise<BroadcastDelivery> {
  const sender = sockets.find((socket) => socket.open);
  if (!sender) throw new Error('no socket is open to broadcast from');
  ledger.expect(text, performance.now());
  sender.send({ type: 'message.send', req: 'broadcast', room_id: GENERAL_ROOM, text });
  await until(() => ledger.received(text) === sockets.length, DELIVERY_WAIT_MS);
  return ledger.delivery(text);
}

/**
 * Messages to the general room over HTTP through nginx while the sockets are away, each retried
 * with its client_id as a client would when refused (a retry stores nothing twice); the texts
 * stored, and the statuses of the refused attempts.
 */
async function postDuringOutage(
  nginxUrl: string,
  token: string,
  ledger: BroadcastLedger,
): Promise<{ stored: string[]; refusals: number[] }> {
  const http = new ChatHttp({ url: nginxUrl, token: () => token });
  const stored: string[] = [];
  const refusals: number[] = [];
  for (let k = 0; k < OUTAGE_MESSAGES; k++) {
    const text = `nginx-stack ${process.pid} outage ${k}`;
    ledger.expect(text, performance.now());
    for (let attempt = 0; attempt < POST_ATTEMPTS; attempt++) {
      try {
        await http.postMessage(GENERAL_ROOM, text, `outage-${k}`);
        stored.push(text);
        break;
      } catch (error) {
        refusals.push(error instanceof ChatApiError ? error.status : 0);
      }
    }
    await settle(OUTAGE_SPACING_MS);
  }
  return { stored, refusals };
}

/** The instances' resident memory together after a full collection in each, and nginx's workers'. */
async function memory(
  instances: RunningServer[],
  nginx: RunningNginx,
): Promise<{ instances: number; nginxWorkers: number }> {
  let total = 0;
  for (const instance of instances) total += await settledRss(instance);
  return { instances: total, nginxWorkers: workersRss(nginx) };
}

/** The instance's own count of its open sockets (its chat_ws_connections gauge). */
async function openConnections(instance: RunningServer): Promise<number> {
  return (await metricOf(instance, 'chat_ws_connections')) ?? NaN;
}

async function until(done: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await settle(POLL_MS);
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
