import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@chat/database';
import { migrations } from '../../../../migrations';
import { AddMentionsAndReadMarkers1764350000000 } from '../../../../migrations/1764350000000-add-mentions-and-read-markers';
import { TestDatabase } from '../support/test-database';
import { databaseMigratedWith, schemaOf } from './support/database-schema';

/** Every migration before the mentions and read markers ones. */
const BEFORE_MARKERS = migrations.slice(
  0,
  migrations.indexOf(AddMentionsAndReadMarkers1764350000000),
);
/** The mentions and read markers migrations: the two after BEFORE_MARKERS. */
const MARKER_MIGRATIONS = 2;
const UP_TO_MARKERS = migrations.slice(0, BEFORE_MARKERS.length + MARKER_MIGRATIONS);

/** How long a test waits for something it expects to happen soon. */
const WAIT_MS = 20_000;

/** Resolves when `condition` holds, checking every 50 ms; throws after WAIT_MS. */
async function until(what: string, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** `promise`, or an error once WAIT_MS passed. */
function withinWait<T>(what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what}: still waiting after ${WAIT_MS} ms`)),
      WAIT_MS,
    );
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The mentions and read markers migrations on a database that has data, as a deployment meets
 * them: up, down, up; what an older instance still running does meanwhile (registering accounts,
 * adding members); and what it does to the tables the running instances use (no long lock).
 */
describe('the read markers migrations', () => {
  let database: TestDatabase;
  let db: DataSource;
  /** Another connection, for what the running instances do meanwhile. */
  let other: Client;

  beforeEach(async () => {
    database = await databaseMigratedWith(BEFORE_MARKERS);
    db = await new DataSource({
      ...dataSourceOptions(database.url),
      migrations: UP_TO_MARKERS,
    }).initialize();
    other = new Client({ connectionString: database.url });
    await other.connect();
  });
  afterEach(async () => {
    await other.end();
    await db.destroy();
    await database.drop();
  });

  /** Accounts, a private room with members, and messages in it and in general. */
  async function arrange() {
    const users: { id: number }[] = await db.query(
      `INSERT INTO users (name, avatar) SELECT 'user ' || n, 'a.png' FROM generate_series(1, 3) n
       RETURNING id`,
    );
    const ids = users.map((user) => user.id);
    const [{ id: roomId }] = await db.query(
      `INSERT INTO rooms (kind, name, created_by) VALUES ('private', 'kept', $1) RETURNING id`,
      [ids[0]],
    );
    await db.query(
      `INSERT INTO room_members (room_id, user_id, role)
       SELECT $1, id, 'member' FROM unnest($2::integer[]) id`,
      [roomId, ids],
    );
    for (const room of [1, roomId]) {
      await db.query(`SELECT 1 FROM chat_insert_messages($1, $2, $3, $4, NULL)`, [
        room,
        [ids[0], ids[1], ids[0]],
        ['one', 'two', 'three'],
        [null, null, null],
      ]);
    }
    return { ids, roomId };
  }

  interface Marker {
    kind: 'member' | 'general';
    room_id: number;
    user_id: number;
    marker: number | null;
    last_seq: number;
  }
  const markers = (): Promise<Marker[]> =>
    db.query(
      `SELECT 'member' AS kind, m.room_id, m.user_id, m.last_read_seq::float8 AS marker,
              r.last_seq::float8 AS last_seq
         FROM room_members m JOIN rooms r ON r.id = m.room_id
       UNION ALL
       SELECT 'general', 1, u.id, g.last_read_seq::float8, r.last_seq::float8
         FROM users u CROSS JOIN rooms r LEFT JOIN general_read_markers g ON g.user_id = u.id
        WHERE r.id = 1
        ORDER BY 1, 2, 3`,
    );
  const messages = () =>
    db.query(
      `SELECT id::float8 AS id, room_id, seq::float8 AS seq, text FROM messages ORDER BY id`,
    );

  it('up, down and up again on a database with data: everyone has read their rooms as they were', async () => {
    const { ids, roomId } = await arrange();
    const before = await messages();
    const schemaBefore = await schemaOf(db);

    await db.runMigrations();
    const started = await markers();
    expect(started).toHaveLength(6);
    for (const row of started) expect(row.marker).toBe(row.last_seq);
    expect(started.filter((row) => row.room_id === roomId)).toHaveLength(3);
    expect(await db.query(`SELECT * FROM message_mentions`)).toEqual([]);

    for (let undone = 0; undone < MARKER_MIGRATIONS; undone++) await db.undoLastMigration();
    expect(await schemaOf(db)).toEqual(schemaBefore);
    expect(await messages()).toEqual(before);

    await db.runMigrations();
    expect(await markers()).toEqual(started);
    expect(await messages()).toEqual(before);
    // Mentions are kept again: the new message's, but its author's own.
    const [stored] = await db.query(
      `SELECT id::float8 AS id, mentions FROM chat_insert_messages(1, $1, '{hi}', '{NULL}', NULL, $2)`,
      [[ids[0]], ['user 1\nuser 2']],
    );
    expect(stored.mentions).toEqual([ids[0], ids[1]]);
    expect(
      await db.query(`SELECT user_id, message_id::float8 AS message_id FROM message_mentions`),
    ).toEqual([{ user_id: ids[1], message_id: stored.id }]);
  });

  it('a member an older instance adds starts at the room as it is; a marker given is kept', async () => {
    const { ids, roomId } = await arrange();
    await db.runMigrations();
    const [{ id: newcomer }] = await db.query(
      `INSERT INTO users (name, avatar) VALUES ('newcomer', 'a.png') RETURNING id`,
    );
    // As the code before read markers adds a member: no marker given.
    await other.query(
      `INSERT INTO room_members (room_id, user_id, role) VALUES ($1, $2, 'member')`,
      [roomId, newcomer],
    );
    await db.query(`DELETE FROM room_members WHERE room_id = $1 AND user_id = $2`, [
      roomId,
      ids[2],
    ]);
    await db.query(
      `INSERT INTO room_members (room_id, user_id, role, last_read_seq) VALUES ($1, $2, 'member', 1)`,
      [roomId, ids[2]],
    );
    const rows = (await markers()).filter((row) => row.kind === 'member');
    expect(rows.find((row) => row.user_id === newcomer)).toMatchObject({
      marker: 3,
      last_seq: 3,
    });
    expect(rows.find((row) => row.user_id === ids[2])?.marker).toBe(1);
  });

  it('an account registered while the migration waits for the users table gets its general marker', async () => {
    await arrange();
    // An older instance registering an account: not committed yet.
    await other.query('BEGIN');
    const {
      rows: [{ id: registered }],
    } = await other.query(
      `INSERT INTO users (name, avatar) VALUES ('registering', 'a.png') RETURNING id`,
    );
    const migrated = db.runMigrations();
    await until('waiting for a lock', async () => {
      const [{ waiting }] = await db.query(
        `SELECT count(*)::int AS waiting FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      return waiting > 0;
    });
    await other.query('COMMIT');
    await withinWait('the migrations', migrated);
    const general = (await markers()).filter((row) => row.kind === 'general');
    expect(general.find((row) => row.user_id === registered)).toMatchObject({
      marker: 3,
    });
    expect(general.every((row) => row.marker === 3)).toBe(true);
  });

  it('gives up on a lock it cannot take within its lock_timeout, changing nothing, and runs once it can', async () => {
    await arrange();
    const schemaBefore = await schemaOf(db);
    // A long transaction of a running instance that has read messages.
    await other.query('BEGIN');
    await other.query('SELECT count(*) FROM messages');
    await expect(withinWait('the migrations', db.runMigrations())).rejects.toThrow(/lock timeout/);
    expect(await schemaOf(db)).toEqual(schemaBefore);
    await other.query('COMMIT');
    await db.runMigrations();
    expect((await markers()).every((row) => row.marker === row.last_seq)).toBe(true);
  });

  it('builds no index on messages: the counts use the ones it has, and message_mentions', async () => {
    const indexesOfMessages = () =>
      db.query(`SELECT indexname FROM pg_indexes WHERE tablename = 'messages' ORDER BY 1`);
    const before = await indexesOfMessages();
    await db.runMigrations();
    expect(await indexesOfMessages()).toEqual(before);
  });
});
