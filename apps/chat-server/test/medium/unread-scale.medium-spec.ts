import { AuthUser } from '@chat/auth';
import { PreparedStatements } from '@chat/database';
import { MessagesModule } from '@chat/messages';
import { UNREAD_LIMIT } from '@chat/protocol';
import { Role } from '@chat/roles';
import { GENERAL_ROOM_ID, ReadMarkers, RoomsService } from '@chat/rooms';
import { UsersService } from '@chat/users';
import { QueryRunner } from 'typeorm';
import { createMediumModule, MediumModule, uniqueName } from './support/medium-module';

/** The tables the counts read. */
const COUNTED = ['messages', 'message_mentions'];

/** Messages in the general room: most of the table, as where general is the busy room. */
const MESSAGES = 200_000;
/** Messages in a private room the readers are in (their markers on their member rows). */
const ROOM_MESSAGES = 20_000;

/**
 * The counts when the general room holds most of the messages table. The rows PostgreSQL reads
 * to count are measured by its statistics for each counting statement the services ran, executed
 * under the plan chosen at once (a custom plan) and under the generic plan a prepared statement
 * may switch to after five executions. However far behind or up to date the reader is, each count
 * reads at most UNREAD_LIMIT rows (and the one that ends it).
 */
describe('unread counts on a general room of 200,000 messages, and a room of 20,000', () => {
  let m: MediumModule;
  let upToDate: AuthUser;
  let behind: AuthUser;
  let roomId: number;

  beforeAll(async () => {
    m = await createMediumModule([MessagesModule]);
    const user = async (): Promise<AuthUser> => {
      const created = await m.get(UsersService).create(uniqueName(), 'correct horse', Role.User);
      return { id: created.id, role: Role.User, sessionId: 'not checked here' };
    };
    const [writer, named] = [await user(), await user()];
    [behind, upToDate] = [await user(), await user()];
    // One message in 10 mentions someone else; one in 1,000 the reader far behind as well.
    await m.db.query(
      `INSERT INTO messages (room_id, seq, user_id, text, mentions)
       SELECT 1, n, $1, 'bulk',
              CASE WHEN n % 1000 = 0 THEN ARRAY[$2, $3]::integer[]
                   WHEN n % 10 = 0 THEN ARRAY[$2]::integer[] ELSE '{}' END
         FROM generate_series(1, $4::int) n`,
      [writer.id, named.id, behind.id, MESSAGES],
    );
    await m.db.query(`UPDATE rooms SET last_seq = $1 WHERE id = $2`, [MESSAGES, GENERAL_ROOM_ID]);
    [{ id: roomId }] = await m.db.query(
      `INSERT INTO rooms (kind, name, created_by, last_seq)
       VALUES ('private', 'bulk', $1, $2) RETURNING id`,
      [writer.id, ROOM_MESSAGES],
    );
    await m.db.query(
      `INSERT INTO room_members (room_id, user_id, role, last_read_seq)
       VALUES ($1, $2, 'owner', $5), ($1, $3, 'member', 0), ($1, $4, 'member', $5)`,
      [roomId, writer.id, behind.id, upToDate.id, ROOM_MESSAGES],
    );
    // One message in 500 mentions the reader far behind.
    await m.db.query(
      `INSERT INTO messages (room_id, seq, user_id, text, mentions)
       SELECT $1, n, $2, 'bulk', CASE WHEN n % 500 = 0 THEN ARRAY[$3]::integer[] ELSE '{}' END
         FROM generate_series(1, $4::int) n`,
      [roomId, writer.id, behind.id, ROOM_MESSAGES],
    );
    await m.db.query(`UPDATE general_read_markers SET last_read_seq = $1 WHERE user_id = $2`, [
      MESSAGES,
      upToDate.id,
    ]);
    await m.db.query(`UPDATE general_read_markers SET last_read_seq = 0 WHERE user_id = $1`, [
      behind.id,
    ]);
    await m.db.query('ANALYZE');
  }, 60_000);
  afterAll(() => m.close());

  /**
   * The rows of the tables the counts read (entries of any of their indexes and rows of
   * sequential scans, as the statistics count them, inside functions too) that the counting statements
   * `run` makes read, at most over the two plans; and what it answered.
   */
  async function rowsRead<T>(run: () => Promise<T>): Promise<{ answer: T; rows: number }> {
    const prepared = m.get(PreparedStatements);
    const query = prepared.query.bind(prepared);
    const seen: { text: string; parameters: unknown[] }[] = [];
    const spy = jest.spyOn(prepared, 'query').mockImplementation((text, parameters) => {
      seen.push({ text, parameters: parameters ?? [] });
      return query(text, parameters);
    });
    let answer: T;
    try {
      answer = await run();
    } finally {
      spy.mockRestore();
    }
    const counting = seen.filter((statement) => statement.text.includes('AS unread'));
    expect(counting.length).toBeGreaterThan(0);
    let rows = 0;
    for (const { text, parameters } of counting) {
      const runner = m.db.createQueryRunner();
      await runner.connect();
      try {
        await runner.query(`PREPARE counted AS ${text}`);
        const args = parameters.map((p) => (Array.isArray(p) ? `'{${p.join(',')}}'` : `'${p}'`));
        for (const mode of ['auto', 'force_generic_plan']) {
          await runner.query('BEGIN');
          await runner.query(`SET LOCAL plan_cache_mode = ${mode}`);
          const before = await tuplesRead(runner);
          await runner.query(`EXECUTE counted(${args.join(', ')})`);
          rows = Math.max(rows, (await tuplesRead(runner)) - before);
          await runner.query('COMMIT');
        }
      } finally {
        await runner.query(`DEALLOCATE counted`);
        await runner.release();
      }
    }
    return { answer, rows };
  }

  /** The entries and rows read so far in this transaction from the tables counted. */
  async function tuplesRead(runner: QueryRunner): Promise<number> {
    const [{ read }] = await runner.query(
      `WITH counted AS (SELECT to_regclass(name) AS oid FROM unnest($1::text[]) name)
       SELECT sum(pg_stat_get_xact_tuples_returned(c.oid))::float8 AS read
         FROM pg_class c
        WHERE c.oid IN (SELECT oid FROM counted)
           OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN (SELECT oid FROM counted))`,
      [COUNTED],
    );
    return read;
  }

  /**
   * Two counts per reader and room, each stopping after UNREAD_LIMIT rows (and the one that ends
   * it), and the room's newest message for GET /api/v1/rooms.
   */
  const bound = (readers: number) => readers * (2 * (UNREAD_LIMIT + 1) + 1);

  it('GET /api/v1/rooms, for a reader who has read everything', async () => {
    const { answer, rows } = await rowsRead(() => m.get(RoomsService).mine(upToDate));
    expect(answer).toEqual([
      expect.objectContaining({ id: GENERAL_ROOM_ID, unread: 0, mentions: 0 }),
      expect.objectContaining({ id: roomId, unread: 0, mentions: 0 }),
    ]);
    expect(rows).toBeLessThanOrEqual(bound(2));
  });

  it('GET /api/v1/rooms, for a reader far behind', async () => {
    const { answer, rows } = await rowsRead(() => m.get(RoomsService).mine(behind));
    expect(answer).toEqual([
      expect.objectContaining({
        id: GENERAL_ROOM_ID,
        unread: UNREAD_LIMIT,
        mentions: UNREAD_LIMIT,
      }),
      expect.objectContaining({ id: roomId, unread: UNREAD_LIMIT, mentions: ROOM_MESSAGES / 500 }),
    ]);
    expect(rows).toBeLessThanOrEqual(bound(2));
  });

  it.each([
    ['the general room', () => GENERAL_ROOM_ID],
    ['a room with member rows', () => roomId],
  ])(
    'a read in %s, for a reader who has read everything and for one far behind',
    async (_, room) => {
      const markers = m.get(ReadMarkers);
      const read = await rowsRead(() => markers.read(upToDate, room(), 0));
      expect(read.answer).toMatchObject({ unread: 0, mentions: 0 });
      expect(read.rows).toBeLessThanOrEqual(bound(1));
      const far = await rowsRead(() => markers.read(behind, room(), 0));
      expect(far.answer).toMatchObject({ unread: UNREAD_LIMIT, last_read_seq: 0 });
      expect(far.rows).toBeLessThanOrEqual(bound(1));
    },
  );

  it.each([
    ['the general room', () => ({ room: GENERAL_ROOM_ID, seq: MESSAGES + 1 })],
    ['a room with member rows', () => ({ room: roomId, seq: ROOM_MESSAGES + 1 })],
  ])(
    'the counts pushed after a deletion in %s, for readers far behind and up to date',
    async (_, at) => {
      const { room, seq } = at();
      const { answer, rows } = await rowsRead(() =>
        m.get(ReadMarkers).countsForUnread(room, [behind.id, upToDate.id], { seq, authorId: 0 }),
      );
      expect(answer).toEqual([
        expect.objectContaining({ user_id: behind.id, unread: UNREAD_LIMIT }),
        expect.objectContaining({ user_id: upToDate.id, unread: 0 }),
      ]);
      expect(rows).toBeLessThanOrEqual(bound(2));
    },
  );
});
