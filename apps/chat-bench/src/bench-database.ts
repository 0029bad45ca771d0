// The bench's only database access; everything else it measures goes through the server's HTTP
// and WebSocket API. The run gets a database of its own (the chat server migrates it on start),
// and the history phase needs a million stored messages, far too many to send through the API.
import { Client } from 'pg';

const SERVER_DATABASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const BENCH_DATABASE = 'chat_bench';

/** Creates the run's database (dropping one left over) and returns its URL. */
export async function createBenchDatabase(): Promise<string> {
  await onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${BENCH_DATABASE}`);
  const url = new URL(SERVER_DATABASE);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

export function dropBenchDatabase(): Promise<void> {
  return onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
}

/**
 * Bulk-loads stored messages, from the first registered user, until there are at least `count`.
 * Returns how many are stored and the highest message id.
 */
export async function bulkLoadHistory(
  databaseUrl: string,
  count: number,
): Promise<{ messages: number; maxId: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [{ stored }] = (await client.query('SELECT count(*)::int AS stored FROM messages')).rows;
    if (stored < count) {
      const { rows } = await client.query('SELECT id FROM users ORDER BY id LIMIT 1');
      await insertHistory(client, rows[0].id, count - stored);
      // As a table in service would be: vacuumed (hint bits, visibility map) and checkpointed, so
      // the first autovacuum of a fresh million rows does not run during the measurement.
      await client.query('VACUUM ANALYZE messages');
      await client.query('CHECKPOINT');
    }
    const [{ max }] = (await client.query('SELECT max(id)::bigint AS max FROM messages')).rows;
    return { messages: Math.max(stored, count), maxId: Number(max) };
  } finally {
    await client.end();
  }
}

/**
 * Inserts `count` messages into the general room (room 1), numbered after its last_seq as the
 * server numbers them: under the room row's lock, so a message the server stores meanwhile takes
 * the number after them. Numbering them here spares the row-at-a-time trigger a million updates of
 * the room row.
 */
async function insertHistory(client: Client, userId: number, count: number): Promise<void> {
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ last_seq: string }>(
      'SELECT last_seq FROM rooms WHERE id = 1 FOR NO KEY UPDATE',
    );
    await client.query(
      `INSERT INTO messages (room_id, seq, user_id, text)
       SELECT 1, $3::bigint + n, $1, 'history ' || n FROM generate_series(1, $2) n`,
      [userId, count, rows[0].last_seq],
    );
    await client.query('UPDATE rooms SET last_seq = $2::bigint + $1 WHERE id = 1', [
      count,
      rows[0].last_seq,
    ]);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
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
