import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '@chat/database';
import { SEARCH_WINDOW, searchTerms } from '@chat/search';
import { migrations } from '../../../../migrations';
import { AddMessageSearch1764360000000 } from '../../../../migrations/1764360000000-add-message-search';
import { SEARCH_INDEX } from '../../../../migrations/1764360000001-index-message-search';
import {
  readableRoomsSql,
  SEARCH_STATEMENTS,
  searchParameters,
  SearchRepository,
} from '../../../../libs/search/src/search.repository';
import { createTestDatabase, TestDatabase } from '../support/test-database';
import { databaseMigratedWith, schemaOf } from './support/database-schema';

/** Newest messages first: on the primary key, or on the general room's ids when it is all read. */
const NEWEST_FIRST_WALK = /Index Scan Backward using (messages_pkey|messages_general_id_idx)/;

const OPTIONS = { timeZone: 'UTC', timeoutMs: 5_000, marks: { start: '[', stop: ']' } };
const FIRST_PAGE = { bound: Number.MAX_SAFE_INTEGER };

/** Words of the generated messages: the first ones common, the rest ever rarer. */
const VOCABULARY = Array.from({ length: 400 }, (_, i) => `w${i.toString(36)}x`);

/** Six words of VOCABULARY drawn with a skew (the square of a uniform number), from $3. */
const SKEWED_TEXT = `(SELECT string_agg(($3::text[])[1 + floor(power(random(), 2) * 400)::int], ' ')
                      FROM generate_series(1, 6) k WHERE k > n * 0)`;

/**
 * `count` messages in the general room by `userId`, their text the SQL `text` of n (from 1) and
 * `parameters` ($3 on), numbered here after the room's last number as the bench's bulk load does:
 * left to the numbering trigger, row by row on the one room row, 30,000 took some 40 s on a loaded
 * host, past the hook's 30 s.
 */
async function storeInGeneral(
  db: DataSource,
  userId: number,
  count: number,
  text: string,
  parameters: unknown[] = [],
): Promise<void> {
  await db.query(
    `WITH room AS (UPDATE rooms SET last_seq = last_seq + $2 WHERE id = 1 RETURNING last_seq - $2 AS last)
     INSERT INTO messages (room_id, seq, user_id, text)
     SELECT 1, room.last + n, $1, ${text} FROM room, generate_series(1, $2::integer) n`,
    [userId, count, ...parameters],
  );
}

/** The plan PostgreSQL makes for the search across rooms, as `callerId` searching `query`. */
async function explainSearch(db: DataSource, callerId: number, query: string): Promise<string> {
  const parameters = searchParameters(
    searchTerms(query),
    { callerId },
    await readableRooms(db, callerId),
    FIRST_PAGE,
    21,
    OPTIONS,
  );
  const rows: { 'QUERY PLAN': string }[] = await db.query(
    `EXPLAIN (FORMAT TEXT) ${SEARCH_STATEMENTS.acrossRooms}`,
    parameters,
  );
  return rows.map((row) => row['QUERY PLAN']).join('\n');
}

/** The rooms the caller reads, as the search reads them before it runs. */
async function readableRooms(db: DataSource, callerId: number): Promise<number[]> {
  const [{ rooms }] = await db.query(readableRoomsSql(callerId));
  return rooms;
}

describe('the search against PostgreSQL', () => {
  let database: TestDatabase;
  let db: DataSource;
  let repository: SearchRepository;
  let userId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(dataSourceOptions(database.url)).initialize();
    repository = new SearchRepository(db);
    [{ id: userId }] = await db.query(
      `INSERT INTO users (name, avatar) VALUES ('searcher', 'a.png') RETURNING id`,
    );
    // 30,000 messages of 6 words each, drawn with a skew (the square of a uniform number), and 5
    // with a word no other message has.
    await storeInGeneral(db, userId, 30000, SKEWED_TEXT, [VOCABULARY]);
    await storeInGeneral(db, userId, 5, `'the quetzal ' || n`);
    await db.query('VACUUM ANALYZE messages');
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const plan = (query: string) => explainSearch(db, userId, query);

  it('finds a rare word through the GIN index, never a sequential scan of messages', async () => {
    const explained = await plan('quetzal');
    expect(explained).toContain(`Bitmap Index Scan on ${SEARCH_INDEX}`);
    expect(explained).not.toMatch(/Seq Scan on messages/);
    expect(explained).not.toMatch(NEWEST_FIRST_WALK);
    const page = await repository.page(
      searchTerms('quetzal'),
      { callerId: userId },
      FIRST_PAGE,
      21,
      OPTIONS,
    );
    expect(page.hits.map((hit) => hit.message.message).sort()).toEqual(
      [1, 2, 3, 4, 5].map((n) => `the quetzal ${n}`),
    );
  });

  it('finds a prefix through the GIN index too', async () => {
    const explained = await plan('quetz*');
    expect(explained).toContain(`Bitmap Index Scan on ${SEARCH_INDEX}`);
    expect(explained).not.toMatch(/Seq Scan on messages/);
  });

  it('walks the newest messages for the most common word rather than ranking every match', async () => {
    const explained = await plan(VOCABULARY[0]);
    expect(explained).not.toMatch(/Seq Scan on messages/);
    expect(explained).toMatch(new RegExp(`${NEWEST_FIRST_WALK.source}|Bitmap Index Scan`));
    const page = await repository.page(
      searchTerms(VOCABULARY[0]),
      { callerId: userId },
      FIRST_PAGE,
      21,
      OPTIONS,
    );
    expect(page.windowSize).toBe(SEARCH_WINDOW);
    expect(page.hits).toHaveLength(21);
  });

  it('scans the index once for a caller in many rooms, not once per room', async () => {
    const [{ id: member }] = await db.query(
      `INSERT INTO users (name, avatar) VALUES ('member of many', 'a.png') RETURNING id`,
    );
    const roomIds: { id: number }[] = await db.query(
      `INSERT INTO rooms (kind, name) SELECT 'public', 'room ' || n FROM generate_series(1, 40) n
       RETURNING id`,
    );
    await db.query(`INSERT INTO room_members (room_id, user_id) SELECT unnest($1::integer[]), $2`, [
      roomIds.map((room) => room.id),
      member,
    ]);
    // Two of each room's 20 messages hold the word: few enough matches that the index finds them
    // (were all 800 newest matches, walking the newest messages would be the quicker plan).
    for (const { id } of roomIds) {
      await db.query(
        `INSERT INTO messages (room_id, user_id, text)
         SELECT $1, $2, CASE WHEN n <= 2 THEN 'quetzal' ELSE 'chatter' END || ' in a room ' || n
           FROM generate_series(1, 20) n`,
        [id, member],
      );
    }
    await db.query('ANALYZE messages, room_members');
    const parameters = searchParameters(
      searchTerms('quetzal'),
      { callerId: member },
      await readableRooms(db, member),
      FIRST_PAGE,
      21,
      OPTIONS,
    );
    const rows: { 'QUERY PLAN': string }[] = await db.query(
      `EXPLAIN (ANALYZE, FORMAT TEXT) ${SEARCH_STATEMENTS.acrossRooms}`,
      parameters,
    );
    const explained = rows.map((row) => row['QUERY PLAN']).join('\n');
    const scans = [...explained.matchAll(/Bitmap Index Scan on \S+ .*loops=(\d+)\)/g)];
    expect(scans.length).toBeGreaterThan(0);
    for (const [, loops] of scans) expect(Number(loops)).toBe(1);
    expect(explained).not.toMatch(/Seq Scan on messages/);
    const page = await repository.page(
      searchTerms('quetzal'),
      { callerId: member },
      FIRST_PAGE,
      21,
      OPTIONS,
    );
    expect(page.hits).toHaveLength(21);
  });

  it('takes any text as a query without an error from PostgreSQL', async () => {
    const pieces = [
      '&',
      '|',
      '!',
      '(',
      ')',
      '<->',
      '<2>',
      ':*',
      ':',
      "'",
      '"',
      '\\',
      '-',
      '*',
      'or',
      ' ',
      'w1x',
      'the',
      'и',
      'é',
      '\u0301',
      '日本',
      '😀',
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { maxLength: 25 }), async (parts) => {
        const query = parts.join('');
        const page = await repository.page(
          searchTerms(query),
          { callerId: userId },
          FIRST_PAGE,
          21,
          OPTIONS,
        );
        expect(Array.isArray(page.hits)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('fails a search whose connection the server ends, and the process goes on searching', async () => {
    const search = () =>
      repository.page(searchTerms('quetzal'), { callerId: userId }, FIRST_PAGE, 21, OPTIONS);
    // The lock holds the search at its statement on messages, where its backend is then ended.
    const locker = db.createQueryRunner();
    await locker.connect();
    await locker.startTransaction();
    try {
      await locker.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
      // It fails once its connection has closed, after pg's 'error' event: unheard, that event
      // would fail this test as an uncaught exception.
      const searching = search().catch((error: unknown) => error);
      const waiting = await waitingOnLock(db);
      await db.query('SELECT pg_terminate_backend($1)', [waiting]);
      expect(await searching).toMatchObject({ code: '57P01' });
    } finally {
      await locker.rollbackTransaction();
      await locker.release();
    }
    expect((await search()).hits).toHaveLength(5);
  });
});

/** The backend of this database waiting on a lock (polled for at most 5 s). */
async function waitingOnLock(db: DataSource): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const rows: { pid: number }[] = await db.query(
      `SELECT pid FROM pg_stat_activity
        WHERE datname = current_database() AND wait_event_type = 'Lock'`,
    );
    if (rows.length === 1) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('no backend waiting on the lock');
}

describe('the search beside many rooms the caller cannot read', () => {
  let database: TestDatabase;
  let db: DataSource;
  let callerId: number;

  beforeAll(async () => {
    database = await createTestDatabase();
    db = await new DataSource(dataSourceOptions(database.url)).initialize();
    [{ id: callerId }] = await db.query(
      `INSERT INTO users (name, avatar) VALUES ('searcher', 'a.png') RETURNING id`,
    );
    // As in the bench: 500 rooms of others' chatter first (the lower ids), then the history the
    // caller reads, most of the messages, in the general room.
    const rooms: { id: number }[] = await db.query(
      `INSERT INTO rooms (kind, name) SELECT 'public', 'room ' || n FROM generate_series(1, 500) n
       RETURNING id`,
    );
    await db.query(
      `INSERT INTO messages (room_id, seq, user_id, text)
       SELECT room, n, $2, 'chatter ' || n FROM unnest($1::integer[]) room, generate_series(1, 20) n`,
      [rooms.map((room) => room.id), callerId],
    );
    await storeInGeneral(db, callerId, 30000, SKEWED_TEXT, [VOCABULARY]);
    await storeInGeneral(db, callerId, 5, `'the quetzal ' || n`);
    await db.query('VACUUM ANALYZE messages');
  });
  afterAll(async () => {
    await db.destroy();
    await database.drop();
  });

  const plan = (query: string) => explainSearch(db, callerId, query);

  // The caller's rooms hold 75% of the messages. Estimated as an unknown array of rooms, among
  // 500 rooms, the room filter kept some 2%: the planner then intersected the word's matches with
  // every readable message's entry in the room index, or ranked every match of a common word.
  it('finds a rare word by the GIN index alone, not intersected with the room index', async () => {
    const explained = await plan('quetzal');
    expect(explained).toContain(`Bitmap Index Scan on ${SEARCH_INDEX}`);
    expect(explained).not.toContain('Bitmap Index Scan on messages_room_id_seq_key');
  });

  it('walks the newest messages for a common word, as when the caller reads every room', async () => {
    const explained = await plan(VOCABULARY[0]);
    expect(explained).toMatch(NEWEST_FIRST_WALK);
    expect(explained).not.toContain('Bitmap Index Scan on messages_room_id_seq_key');
    expect(explained).not.toContain('Gather');
  });
});

describe('the search migrations', () => {
  const BEFORE_SEARCH = migrations.slice(0, migrations.indexOf(AddMessageSearch1764360000000));
  /** Up to the search's two migrations, not the ones after them. */
  const UP_TO_SEARCH = migrations.slice(0, BEFORE_SEARCH.length + 2);
  let database: TestDatabase;
  let db: DataSource;

  beforeEach(async () => {
    database = await databaseMigratedWith(BEFORE_SEARCH);
    db = await new DataSource({
      ...dataSourceOptions(database.url),
      migrations: UP_TO_SEARCH,
    }).initialize();
  });
  afterEach(async () => {
    await db.destroy();
    await database.drop();
  });

  it('fill every stored message, build a valid index, and go down and up again', async () => {
    const [{ id: userId }] = await db.query(
      `INSERT INTO users (name, avatar) VALUES ('old', 'a.png') RETURNING id`,
    );
    await db.query(
      `INSERT INTO messages (user_id, text) SELECT $1, 'stored messages ' || n FROM generate_series(1, 12000) n`,
      [userId],
    );
    const schemaBefore = await schemaOf(db);

    await db.runMigrations();
    const [filled] = await db.query(
      `SELECT count(*) FILTER (WHERE search_vector IS NULL)::int AS empty,
              count(*) FILTER (WHERE search_vector @@ to_tsquery('pg_catalog.russian', 'message'))::int AS found
         FROM messages`,
    );
    expect(filled).toEqual({ empty: 0, found: 12000 });
    const [index] = await db.query(
      `SELECT indisvalid AS valid FROM pg_index WHERE indexrelid = to_regclass($1)`,
      [SEARCH_INDEX],
    );
    expect(index).toEqual({ valid: true });
    // Analyzed: the planner knows the words' frequencies from the start.
    const [stats] = await db.query(
      `SELECT count(*)::int AS n FROM pg_stats WHERE tablename = 'messages' AND attname = 'search_vector'`,
    );
    expect(stats).toEqual({ n: 1 });

    await db.undoLastMigration();
    await db.undoLastMigration();
    expect(await schemaOf(db)).toEqual(schemaBefore);
    await db.runMigrations();
    const [again] = await db.query(
      `SELECT count(*)::int AS found FROM messages
        WHERE search_vector @@ to_tsquery('pg_catalog.russian', 'stored')`,
    );
    expect(again).toEqual({ found: 12000 });
  });

  it('builds the index again where a failed concurrent build left it invalid', async () => {
    await db.runMigrations();
    await db.undoLastMigration();
    // What an interrupted CREATE INDEX CONCURRENTLY leaves: the index, marked invalid.
    await db.query(`CREATE INDEX ${SEARCH_INDEX} ON messages USING gin (search_vector)`);
    await db.query(`UPDATE pg_index SET indisvalid = false WHERE indexrelid = to_regclass($1)`, [
      SEARCH_INDEX,
    ]);
    await db.runMigrations();
    const [index] = await db.query(
      `SELECT indisvalid AS valid, pg_get_indexdef(indexrelid) AS definition
         FROM pg_index WHERE indexrelid = to_regclass($1)`,
      [SEARCH_INDEX],
    );
    expect(index.valid).toBe(true);
    expect(index.definition).toContain('fastupdate=off');
  });
});
