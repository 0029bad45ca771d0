// A child process of the bench (forked with tsx, like the baselines), so that its CPU is neither
// the load generator's nor a server's: the machine load of a chat server's rooms latency step
// besides the load generator's, reproduced beside the coalescing baseline's step (see
// beside-load.ts). Its inserts are the chat's own statement (libs/messages/src/message-insert.ts),
// on connections set up as the server's pool sets up its own, into the bench database's rooms,
// each row from a member of its room; it keeps a share of one core busy, its inserts' own work
// included. It ends when told to, or when the bench that started it goes away.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Client } from 'pg';
import { poolOptions } from '../../../libs/database/src/pool-options';
import { insertBatchStatement, MessageRow } from '../../../libs/messages/src/message-insert';
import type { BesideLoadReply, BesideLoadSpec, BesideLoadTotals } from './beside-load';
import { GENERAL_ROOM } from './history-rooms';
import { roomMessageText } from './room-mark';

const TICK_MS = 5;
/**
 * Two connections, as the chat's writer has at most two inserts in flight; each has rooms of its
 * own, as the writer never has one room in both, so neither waits on the other's room locks.
 */
const CONNECTIONS = 2;
/** Prepared once per connection, as the server's PreparedStatements runs its statements. */
const INSERT_NAME = 'beside-load-insert';
/** The server's settings (TIME_ZONE, DB_*_TIMEOUT_SECONDS) when the bench starts it. */
const TIME_ZONE = 'UTC';
const POOL = poolOptions({ connectTimeoutMs: 5_000, queryTimeoutMs: 10_000 });

interface Member {
  roomId: number;
  userId: number;
}

function reply(message: BesideLoadReply, exitCode?: number): void {
  process.send!(message, () => {
    if (exitCode !== undefined) process.exit(exitCode);
  });
}

/** `rows` members drawn at random, each row in its member's room, its text of the load's form. */
function drawRows(members: Member[], rows: number): MessageRow[] {
  return Array.from({ length: rows }, () => {
    const { roomId, userId } = members[Math.floor(Math.random() * members.length)];
    return { roomId, userId, text: roomMessageText(roomId, performance.now()), clientId: null };
  });
}

/** The count of rows of the next statement: the mean's floor, one more as often as its fraction. */
function rowsOfNext(mean: number): number {
  const whole = Math.floor(mean);
  return Math.max(1, whole + (Math.random() < mean - whole ? 1 : 0));
}

/** This process's CPU time so far, in µs. */
function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** Keeps this process busy until it has used `micros` of CPU in all, or until `deadline`. */
function burnUntil(micros: number, deadline: number): void {
  while (performance.now() < deadline && cpuMicros() < micros);
}

async function connect(databaseUrl: string): Promise<Client> {
  const { Client: PoolClient, ...settings } = POOL;
  const client = new PoolClient({ connectionString: databaseUrl, ...settings });
  // A connection that fails ends the load.
  client.on('error', (error) => reply({ type: 'error', message: error.message }, 1));
  await client.connect();
  return client;
}

async function run(spec: BesideLoadSpec): Promise<void> {
  const clients: Client[] = [];
  for (let i = 0; i < CONNECTIONS; i++) clients.push(await connect(spec.databaseUrl));
  const { rows: members } = await clients[0].query<Member>(
    'SELECT room_id AS "roomId", user_id AS "userId" FROM room_members WHERE room_id <> $1',
    [GENERAL_ROOM],
  );
  const membersOf = clients.map((_, i) => members.filter((m) => m.roomId % CONNECTIONS === i));
  if (membersOf.some((list) => list.length === 0))
    throw new Error('Too few rooms with members to replay inserts in');
  const insert = (connection: number, rows: number) =>
    clients[connection].query({
      name: INSERT_NAME,
      ...insertBatchStatement(drawRows(membersOf[connection], rows), randomUUID(), TIME_ZONE),
    });
  // A new backend's first insert compiles the function and plans its statements (see
  // pool-options.ts), as the chat server's did long before its step: done before the step starts.
  for (let i = 0; i < CONNECTIONS; i++) await insert(i, 1);
  const idle = clients.map((_, i) => i);
  const totals: BesideLoadTotals = {
    due: 0,
    statements: 0,
    failed: 0,
    cpuSeconds: 0,
    seconds: 0,
  };
  const inFlight = new Set<Promise<unknown>>();
  let issued = 0;
  let running = true;
  const startCpu = cpuMicros();
  const started = performance.now();
  const dueNow = () =>
    Math.floor(((performance.now() - started) / 1000) * spec.statementsPerSecond);
  /** Starts the statements due by now while a connection is free; the rest wait for one. */
  const pump = () => {
    const due = dueNow();
    // Those due by the last chance to start them: later ones are not behind.
    totals.due = due;
    while (issued < due && idle.length > 0) {
      const connection = idle.pop()!;
      issued++;
      const statement = insert(connection, rowsOfNext(spec.rowsPerStatement))
        .then(
          () => totals.statements++,
          () => totals.failed++,
        )
        .finally(() => {
          idle.push(connection);
          inFlight.delete(statement);
          if (running) pump();
        });
      inFlight.add(statement);
    }
  };
  const timer = setInterval(() => {
    pump();
    const elapsedMs = performance.now() - started;
    burnUntil(startCpu + spec.cpuShare * elapsedMs * 1000, performance.now() + TICK_MS * 0.8);
  }, TICK_MS);
  reply({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  running = false;
  clearInterval(timer);
  totals.seconds = (performance.now() - started) / 1000;
  totals.cpuSeconds = (cpuMicros() - startCpu) / 1e6;
  await Promise.all(inFlight);
  for (const client of clients) await client.end();
  reply({ type: 'stopped', totals }, 0);
}

// Without the bench, nobody would stop it.
process.once('disconnect', () => process.exit(1));
process.once('message', (spec: BesideLoadSpec) => {
  run(spec).catch((error: unknown) =>
    reply({ type: 'error', message: error instanceof Error ? error.message : String(error) }, 1),
  );
});
