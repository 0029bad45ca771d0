import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@chat/database';
import { migrations } from '../../../../migrations';
import { AddRoomsAndMessageSeq1764330000000 } from '../../../../migrations/1764330000000-add-rooms-and-message-seq';
import { bulkLoadHistory } from '../../../chat-bench/src/bench-database';
import { databaseUrl, TEST_ENV } from '../support/test-env';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { schemaOf } from './support/database-schema';

/** Every migration before the rooms one. */
const BEFORE_ROOMS = migrations.slice(0, migrations.indexOf(AddRoomsAndMessageSeq1764330000000));

/** A database migrated up to (not including) the rooms migration, from nothing. */
async function schemaBeforeRooms(): Promise<unknown> {
  const serverUrl = process.env[TEST_ENV.serverUrl]!;
  const name = `chat_test_${randomBytes(6).toString('hex')}`;
  const server = new Client({ connectionString: serverUrl });
  await server.connect();
  try {
    await server.query(`CREATE DATABASE ${name}`);
    const db = new DataSource({
      ...dataSourceOptions(databaseUrl(serverUrl, name)),
      migrations: BEFORE_ROOMS,
    });
    await db.initialize();
    try {
      await db.runMigrations();
      return await schemaOf(db);
    } finally {
      await db.destroy();
    }
  } finally {
    await server.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server.end();
  }
}

describe('the rooms migration', () => {
  let database: TestDatabase;
  let db: DataSource;
  let author: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(dataSourceOptions(database.url)).initialize();
    [{ id: author }] = await db.query(
      `INSERT INTO users (name, avatar) VALUES ('migrated', 'a.png') RETURNING id`,
    );
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const messages = () =>
    db.query(
      `SELECT id::float8 AS id, text, client_id FROM messages WHERE user_id = $1 ORDER BY id`,
      [author],
    );

  it('reverts to the schema before it, keeping messages, and numbers them again in id order', async () => {
    await db.query(
      `INSERT INTO messages (user_id, text, client_id)
       SELECT $1, 'message ' || n, CASE WHEN n % 3 = 0 THEN 'key ' || n END
         FROM generate_series(1, 30) n`,
      [author],
    );
    await db.query(`DELETE FROM messages WHERE text IN ('message 4', 'message 17')`);
    // The same author's key in another room: one room again keeps it on the oldest message only.
    await db.query(`INSERT INTO rooms (kind, name) VALUES ('private', 'elsewhere')`);
    await db.query(
      `INSERT INTO messages (room_id, user_id, text, client_id)
       SELECT id, $1, 'in another room', 'key 9' FROM rooms WHERE name = 'elsewhere'`,
      [author],
    );
    const before = await messages();
    expect(before).toHaveLength(29);

    const later = migrations.length - BEFORE_ROOMS.length;
    for (let undone = 0; undone < later; undone++) await db.undoLastMigration();
    expect(await schemaOf(db)).toEqual(await schemaBeforeRooms());
    const reverted = before.map((row: { text: string; client_id: string | null }) =>
      row.text === 'in another room' ? { ...row, client_id: null } : row,
    );
    expect(await messages()).toEqual(reverted);

    await db.runMigrations();
    expect(await messages()).toEqual(reverted);
    const numbered = await db.query(
      `SELECT id::float8 AS id, room_id, seq::float8 AS seq FROM messages ORDER BY id`,
    );
    expect(numbered).toEqual(
      numbered.map((row: { id: number }, i: number) => ({ id: row.id, room_id: 1, seq: i + 1 })),
    );
    const [room] = await db.query(
      `SELECT id, kind, name, topic, last_seq::float8 AS last_seq FROM rooms`,
    );
    expect(room).toEqual({
      id: 1,
      kind: 'public',
      name: 'general',
      topic: '',
      last_seq: numbered.length,
    });
    const [next] = await db.query(
      `INSERT INTO rooms (kind, name) VALUES ('public', 'next') RETURNING id`,
    );
    expect(next.id).toBe(2);
  });

  it('lets the bench bulk-load history numbered after the room', async () => {
    const [{ last }] = await db.query(`SELECT last_seq::float8 AS last FROM rooms WHERE id = 1`);
    const { messages: stored } = await bulkLoadHistory(database.url, last + 500);
    expect(stored).toBe(last + 500);
    const [after] = await db.query(
      `SELECT count(*)::float8 AS count, min(seq)::float8 AS first, max(seq)::float8 AS newest,
              count(DISTINCT seq)::float8 AS distinct_seqs,
              (SELECT last_seq::float8 FROM rooms WHERE id = 1) AS last_seq
         FROM messages WHERE room_id = 1`,
    );
    expect(after).toEqual({
      count: last + 500,
      first: 1,
      newest: last + 500,
      distinct_seqs: last + 500,
      last_seq: last + 500,
    });
    const [{ seq }] = await db.query(
      `SELECT seq::float8 AS seq FROM chat_insert_messages(1, $1, '{after the load}', '{NULL}', NULL)`,
      [[author]],
    );
    expect(seq).toBe(last + 501);
  });
});
