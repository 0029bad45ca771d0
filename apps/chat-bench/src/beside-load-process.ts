// A child process of the bench (forked with tsx, like the baselines), so that its CPU is neither
// the load generator's nor a server's: the machine load of a chat server's rooms latency step
// besides the load generator's, reproduced beside the coalescing baseline's step (see
// beside-load.ts). Its inserts are the chat's own statement (libs/messages/src/message-insert.ts)
// into the bench database's rooms, each row from a member of its room; it keeps a share of one core
// busy, its inserts' own work included.
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { insertBatchStatement, MessageRow } from '../../../libs/messages/src/message-insert';
import { roomMessageText } from './room-mark';
import type { BesideLoadSpec, BesideLoadTotals, BesideLoadReply } from './beside-load';

const TICK_MS = 5;
/** Two connections, as the chat's writer has at most two inserts in flight. */
const CONNECTIONS = 2;
/** Prepared once per connection, as the server's PreparedStatements runs its statements. */
const INSERT_NAME = 'beside-load-insert';

interface Member {
  roomId: number;
  userId: number;
}

function reply(message: BesideLoadReply): void {
  process.send!(message);
}

/** `rows` members drawn at random, each row in its member's room, its text as long as the load's. */
function drawRows(members: Member[], rows: number, at: number): MessageRow[] {
  return Array.from({ length: rows }, () => {
    const { roomId, userId } = members[Math.floor(Math.random() * members.length)];
    return { roomId, userId, text: roomMessageText(roomId, at), clientId: null };
  });
}

/** The count of rows of the next statement: the mean's floor, one more as often as its fraction. */
function rowsOfNext(mean: number): number {
  const whole = Math.floor(mean);
  return whole + (Math.random() < mean - whole ? 1 : 0);
}

/** Keeps this process busy until it has used `cpuMicros` since it started, or until `deadline`. */
function burnUntil(cpuMicros: number, deadline: number): void {
  while (performance.now() < deadline) {
    const { user, system } = process.cpuUsage();
    if (user + system >= cpuMicros) return;
  }
}

async function run(spec: BesideLoadSpec): Promise<void> {
  const clients = Array.from({ length: CONNECTIONS }, () => new Client(spec.databaseUrl));
  for (const client of clients) await client.connect();
  const { rows: members } = await clients[0].query<Member>(
    `SELECT room_id AS "roomId", user_id AS "userId" FROM room_members WHERE room_id <> 1`,
  );
  if (members.length === 0) throw new Error('No room has members to replay inserts for');
  const idle = [...clients];
  const totals: BesideLoadTotals = { due: 0, statements: 0, rows: 0, failed: 0, cpuSeconds: 0 };
  const inFlight = new Set<Promise<unknown>>();
  let issued = 0;
  const cpuAtStart = process.cpuUsage();
  const startCpu = cpuAtStart.user + cpuAtStart.system;
  const started = performance.now();
  let running = true;
  const dueNow = () =>
    Math.floor(((performance.now() - started) / 1000) * spec.statementsPerSecond);
  /** Starts the statements due by now while a connection is free; the rest wait for one. */
  const pump = () => {
    const due = dueNow();
    while (issued < due && idle.length > 0) {
      const client = idle.pop()!;
      issued++;
      const rows = drawRows(members, Math.max(1, rowsOfNext(spec.rowsPerStatement)), Date.now());
      const { text, values } = insertBatchStatement(rows, randomUUID(), 'UTC');
      const insert = client
        .query({ name: INSERT_NAME, text, values })
        .then(
          (result) => {
            totals.statements++;
            totals.rows += result.rowCount ?? 0;
          },
          () => totals.failed++,
        )
        .finally(() => {
          idle.push(client);
          inFlight.delete(insert);
          if (running) pump();
        });
      inFlight.add(insert);
    }
  };
  const tick = () => {
    pump();
    const elapsedMs = performance.now() - started;
    burnUntil(startCpu + spec.cpuShare * elapsedMs * 1000, performance.now() + TICK_MS * 0.8);
  };
  const timer = setInterval(tick, TICK_MS);
  reply({ type: 'ready' });
  await new Promise<void>((resolve) => process.once('message', () => resolve()));
  running = false;
  totals.due = dueNow();
  clearInterval(timer);
  await Promise.all(inFlight);
  const cpu = process.cpuUsage();
  totals.cpuSeconds = (cpu.user + cpu.system - startCpu) / 1e6;
  for (const client of clients) await client.end();
  reply({ type: 'stopped', totals });
}

process.once('message', (spec: BesideLoadSpec) => {
  run(spec).then(
    () => process.exit(0),
    (error: unknown) => {
      reply({ type: 'error', message: error instanceof Error ? error.message : String(error) });
      process.exit(1);
    },
  );
});
