// The bench's database access, besides beside-load-process.ts's replay of the chat's inserts;
// everything else it measures goes through the server's HTTP and WebSocket API. The run gets a
// database of its own (the chat server migrates it on start), and the history phase needs a
// million stored messages, far too many to send through the API, and counts what its searches
// match.
import { Client } from 'pg';
import { GENERAL_ROOM, messagesIn } from './history-rooms';
import {
  MESSAGE_WORDS_SQL,
  messageTextSql,
  RARE_PLANTED,
  SEARCHES,
  SearchKind,
  VOCABULARY,
} from './message-corpus';

const SERVER_DATABASE = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/** BENCH_DATABASE names another, so that two runs on one PostgreSQL keep apart. */
const BENCH_DATABASE = process.env.BENCH_DATABASE ?? 'chat_bench';

/** Creates the run's database (dropping one left over) and returns its URL. */
export async function createBenchDatabase(): Promise<string> {
  await onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
  await onServer(`CREATE DATABASE ${BENCH_DATABASE}`);
  const url = new URL(SERVER_DATABASE);
  url.pathname = `/${BENCH_DATABASE}`;
  return url.toString();
}

/**
 * Has PostgreSQL gather the statistics of every table, as autovacuum would soon after a set-up's
 * writes in service. This host's PostgreSQL runs with autovacuum off: without statistics, the
 * planner took the users table for 4 rows and counted a room's members by looping over every user
 * (10 ms a room instead of 0.05 at 5,000 users), at each wave of sign-ins.
 */
export function analyzeDatabase(databaseUrl: string): Promise<void> {
  return runOn(databaseUrl, 'ANALYZE');
}

export function dropBenchDatabase(): Promise<void> {
  return onServer(`DROP DATABASE IF EXISTS ${BENCH_DATABASE} WITH (FORCE)`);
}

/**
 * Bulk-loads stored messages, from the first registered user, until there are at least `count`:
 * message n (from 1) of the load into the room slots[n % slots.length] (see historySlots), its
 * text drawn from the bench's vocabulary (see message-corpus). Returns how many are stored and
 * the highest message id.
 */
export async function bulkLoadHistory(
  databaseUrl: string,
  count: number,
  slots: number[] = [GENERAL_ROOM],
): Promise<{ messages: number; maxId: number }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [{ stored }] = (await client.query('SELECT count(*)::int AS stored FROM messages')).rows;
    if (stored < count) {
      const { rows } = await client.query('SELECT id FROM users ORDER BY id LIMIT 1');
      await insertHistory(client, rows[0].id, count - stored, slots);
      // As a table in service would be: vacuumed (hint bits, visibility map), analyzed (the
      // search's plans read the words' frequencies) and checkpointed, so the first autovacuum of
      // a fresh million rows does not run during the measurement.
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
 * Inserts `count` messages into the slots' rooms, numbered after each room's last_seq as the
 * server numbers them: under the room rows' locks, so a message the server stores meanwhile takes
 * the number after them. Numbering them here spares the row-at-a-time trigger a million updates of
 * the room rows. The rare word goes into every k-th general message, k = floor(general /
 * RARE_PLANTED): exactly RARE_PLANTED times from RARE_PLANTED² general messages on.
 */
async function insertHistory(
  client: Client,
  userId: number,
  count: number,
  slots: number[],
): Promise<void> {
  const rooms = [...new Set(slots)].sort((a, b) => a - b);
  const general = messagesIn(GENERAL_ROOM, count, slots);
  await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ id: number; last_seq: string }>(
      'SELECT id, last_seq FROM rooms WHERE id = ANY($1::int[]) ORDER BY id FOR NO KEY UPDATE',
      [rooms],
    );
    if (rows.length !== rooms.length) throw new Error(`no room among ${rooms.join(', ')}`);
    const planted = `CASE WHEN room = ${GENERAL_ROOM} AND nth % $6 = 0 THEN $7 END`;
    await client.query(
      `INSERT INTO messages (room_id, seq, user_id, text)
       SELECT room, ($4::bigint[])[slot] + nth, $1, ${messageTextSql('$5::text[]', 'words', planted)}
         FROM (SELECT n, slot, ($3::int[])[slot] AS room, ${MESSAGE_WORDS_SQL} AS words,
                      row_number() OVER (PARTITION BY slot ORDER BY n) AS nth
                 FROM (SELECT n, ($8::int[])[1 + n % cardinality($8::int[])] AS slot
                         FROM generate_series(1, $2) n) slotted
                ORDER BY n) planned`,
      [
        userId,
        count,
        rooms,
        rows.map((row) => row.last_seq),
        VOCABULARY,
        Math.max(1, Math.floor(general / RARE_PLANTED)),
        SEARCHES.rare,
        slots.map((room) => rooms.indexOf(room) + 1),
      ],
    );
    for (const room of rooms) {
      await client.query('UPDATE rooms SET last_seq = last_seq + $2 WHERE id = $1', [
        room,
        messagesIn(room, count, slots),
      ]);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** What the searcher can find of each search: stored matches, and the vocabulary words matched. */
export interface SearchMatches {
  /** Messages in the rooms the searcher reads. */
  readable: number;
  matches: Record<SearchKind, number>;
  words: Record<SearchKind, number>;
}

/**
 * Counts the messages in `rooms` each search matches, with the search's text configuration and
 * query functions: websearch_to_tsquery for a word, to_tsquery for a prefix (`pref:*`).
 */
export async function searchMatches(databaseUrl: string, rooms: number[]): Promise<SearchMatches> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const [{ readable }] = (
      await client.query('SELECT count(*)::int AS readable FROM messages WHERE room_id = ANY($1)', [
        rooms,
      ])
    ).rows;
    const matches = {} as Record<SearchKind, number>;
    const words = {} as Record<SearchKind, number>;
    for (const [kind, query] of Object.entries(SEARCHES) as [SearchKind, string][]) {
      const tsquery = query.endsWith('*')
        ? `to_tsquery('pg_catalog.russian', $2 || ':*')`
        : `websearch_to_tsquery('pg_catalog.russian', $2)`;
      const term = query.replace(/\*$/, '');
      const { rows } = await client.query(
        `SELECT (SELECT count(*)::int FROM messages
                  WHERE room_id = ANY($1) AND search_vector @@ ${tsquery}) AS matches,
                (SELECT count(*)::int FROM unnest($3::text[]) word
                  WHERE to_tsvector('pg_catalog.russian', word) @@ ${tsquery}) AS words`,
        [rooms, term, VOCABULARY],
      );
      matches[kind] = rows[0].matches;
      words[kind] = rows[0].words;
    }
    return { readable, matches, words };
  } finally {
    await client.end();
  }
}

function onServer(sql: string): Promise<void> {
  return runOn(SERVER_DATABASE, sql);
}

/** One statement on a connection of its own to the database at `url`. */
async function runOn(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
