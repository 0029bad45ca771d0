import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { AuthUser } from '@chat/auth';
import { BackendProcessesRepository, poolOf, PreparedStatements } from '@chat/database';
import { ConflictError } from '@chat/errors';
import { ChatEvent, ChatMessage } from '@chat/events';
import { MessagesModule, MessagesService } from '@chat/messages';
import { Role } from '@chat/roles';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import { User, UsersService } from '@chat/users';
import { MessageRow } from '../../../../libs/messages/src/message-insert';
import { MessageStore } from '../../../../libs/messages/src/message-store.repository';
import { MessagesRepository } from '../../../../libs/messages/src/messages.repository';
import { genericPlans, PlanNode, relationScans } from './support/generic-plans';
import { createMediumModule, MediumModule, privateRoom, uniqueName } from './support/medium-module';

const MESSAGE_KEYS = [
  'created_at',
  'edited',
  'message',
  'message_id',
  'name',
  'role',
  'time_send',
  'user_avatar',
  'user_id',
].sort();

const inRoom = (roomId: number, rows: Omit<MessageRow, 'roomId'>[]): MessageRow[] =>
  rows.map((row) => ({ roomId, ...row }));
const ids = (messages: ChatMessage[]) => messages.map((message) => message.message_id);
const created = (events: ChatEvent[]) =>
  events.flatMap((event) => (event.type === 'message.created' ? [event] : []));

describe('messages on PostgreSQL', () => {
  let m: MediumModule;
  let repository: MessagesRepository;
  let store: MessageStore;
  let messages: MessagesService;
  let author: User;
  let other: User;

  beforeAll(async () => {
    m = await createMediumModule([MessagesModule], { TIME_ZONE: 'Asia/Kolkata' });
    repository = m.get(MessagesRepository);
    store = m.get(MessageStore);
    messages = m.get(MessagesService);
    const users = m.get(UsersService);
    author = await users.create(uniqueName('author'), 'correct horse', Role.User);
    other = await users.create(uniqueName('other'), 'correct horse', Role.User);
  });
  afterAll(() => m.close());
  beforeEach(() => m.takeEvents());

  const storedTexts = async (texts: string[]) =>
    (await m.db.query('SELECT text FROM messages WHERE text = ANY($1) ORDER BY id', [texts])).map(
      (row: { text: string }) => row.text,
    );

  describe('MessagesRepository', () => {
    it('inserts a batch in its order, marked with its write id, in the wire shape', async () => {
      const writeId = randomUUID();
      const inserted = await store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [
          { userId: author.id, text: 'batch 1', clientId: null },
          { userId: other.id, text: 'batch 2', clientId: 'key-1' },
          { userId: author.id, text: 'batch 3', clientId: null },
        ]),
        writeId,
      );
      expect(inserted.map((row) => [row.user_id, row.client_id, row.message.message])).toEqual([
        [author.id, null, 'batch 1'],
        [other.id, 'key-1', 'batch 2'],
        [author.id, null, 'batch 3'],
      ]);
      const messageIds = inserted.map((row) => row.message.message_id);
      expect(messageIds).toEqual([...messageIds].sort((a, b) => a - b));
      const message = inserted[0].message;
      expect(Object.keys(message).sort()).toEqual(MESSAGE_KEYS);
      expect(message).toMatchObject({ user_id: author.id, name: author.name, role: 1 });
      expect(message.created_at).toBe(new Date(message.created_at).toISOString());
      const kolkata = new Date(new Date(message.created_at).getTime() + 330 * 60_000);
      expect(message.time_send).toBe(kolkata.toISOString().slice(11, 19));
      const [{ count }] = await m.db.query(
        'SELECT count(*)::int AS count FROM messages WHERE write_id = $1',
        [writeId],
      );
      expect(count).toBe(3);
    });

    it('skips a row whose author stored its key before; findByKeys reads the earlier one', async () => {
      const [first] = await store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [{ userId: author.id, text: 'keyed', clientId: 'key-2' }]),
        randomUUID(),
      );
      const again = await store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [
          { userId: author.id, text: 'keyed again', clientId: 'key-2' },
          { userId: other.id, text: 'same key, other author', clientId: 'key-2' },
        ]),
        randomUUID(),
      );
      expect(again.map((row) => row.message.message)).toEqual(['same key, other author']);
      const earlier = await store.findByKeys([
        { roomId: GENERAL_ROOM_ID, userId: author.id, clientId: 'key-2' },
      ]);
      expect(earlier.map((row) => row.message)).toEqual([first.message]);
    });

    it('finds the rows an insert in doubt stored by its write id, above the id given', async () => {
      const before = Number(await repository.latestId());
      const [inDoubt, otherWrite] = [randomUUID(), randomUUID()];
      const stored = await store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [
          { userId: author.id, text: 'in doubt 1', clientId: null },
          { userId: other.id, text: 'in doubt 2', clientId: null },
        ]),
        inDoubt,
      );
      await store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [{ userId: author.id, text: 'other write', clientId: null }]),
        otherWrite,
      );
      const found = await store.findWritten(before, [inDoubt]);
      expect(found).toEqual(stored);
      expect(await store.findWritten(stored[0].message.message_id, [inDoubt])).toEqual([stored[1]]);
      expect(await store.findWritten(before, [randomUUID()])).toEqual([]);
    });

    it('fails a whole batch for one row PostgreSQL refuses', async () => {
      const batch = store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [
          { userId: author.id, text: 'refused with its batch', clientId: null },
          { userId: author.id, text: 'nul\u0000text', clientId: null },
        ]),
        randomUUID(),
      );
      await expect(batch).rejects.toMatchObject({ code: '22021' });
      expect(await storedTexts(['refused with its batch'])).toEqual([]);
    });

    it('stores the rows of several rooms in one statement, each room numbered on from its last', async () => {
      const rooms: number[] = [];
      for (let i = 0; i < 2; i++) rooms.push(await privateRoom(m.db, [author.id, other.id]));
      const [high, low] = [Math.max(...rooms), Math.min(...rooms)];
      const [{ last_seq: generalBefore }] = await m.db.query(
        'SELECT last_seq::int FROM rooms WHERE id = $1',
        [GENERAL_ROOM_ID],
      );
      const row = (roomId: number, text: string, userId = author.id) => ({
        roomId,
        userId,
        text,
        clientId: null,
      });
      const inserted = await store.insertBatch(
        [
          row(high, 'high 1'),
          row(GENERAL_ROOM_ID, 'general 1'),
          row(low, 'low 1', other.id),
          row(high, 'high 2', other.id),
          row(low, 'low 2'),
        ],
        randomUUID(),
      );
      // In id order: the rooms ascending (the order their rows are locked in), each in its order.
      expect(inserted.map((r) => [r.room_id, r.seq, r.message.message])).toEqual([
        [GENERAL_ROOM_ID, generalBefore + 1, 'general 1'],
        [low, 1, 'low 1'],
        [low, 2, 'low 2'],
        [high, 1, 'high 1'],
        [high, 2, 'high 2'],
      ]);
      const ids = inserted.map((r) => r.message.message_id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      const lastSeqs = await m.db.query(
        'SELECT id, last_seq::int FROM rooms WHERE id = ANY($1) ORDER BY id',
        [rooms],
      );
      expect(lastSeqs).toEqual([
        { id: low, last_seq: 2 },
        { id: high, last_seq: 2 },
      ]);
      // One room's refusal (an author not in it) fails the statement for every room.
      await expect(
        store.insertBatch([row(low, 'low 3'), row(high, 'outsider', -1)], randomUUID()),
      ).rejects.toMatchObject({ code: expect.stringMatching(/^23/) });
      expect(await storedTexts(['low 3'])).toEqual([]);
      // Row arrays of different lengths are the caller's mistake, not data to pad with NULLs.
      await expect(
        m.db.query(
          `SELECT * FROM chat_insert_messages_in_rooms($1, $2, $3, $4, gen_random_uuid())`,
          [[low, low], [author.id, author.id], ['uneven 1', 'uneven 2'], [null]],
        ),
      ).rejects.toMatchObject({ code: 'P0001' });
      expect(await storedTexts(['uneven 1', 'uneven 2'])).toEqual([]);
    });
    it("reads an insert's authors by id, never the whole users table", async () => {
      const [plan] = await genericPlans(m, () =>
        store.insertBatch(
          inRoom(GENERAL_ROOM_ID, [
            { userId: author.id, text: 'planned 1', clientId: null },
            { userId: other.id, text: 'planned 2', clientId: null },
          ]),
          randomUUID(),
        ),
      );
      expect(relationScans(plan, 'users')).toEqual(['Index Scan']);
    });

    it('skips a repeated key in one room of a batch, every room numbered on with no gap', async () => {
      const [keyed, plain] = [
        await privateRoom(m.db, [author.id, other.id]),
        await privateRoom(m.db, [author.id]),
      ];
      const row = (roomId: number, text: string, clientId: string | null = null) => ({
        roomId,
        userId: author.id,
        text,
        clientId,
      });
      await store.insertBatch([row(keyed, 'keyed 1', 'repeat-key')], randomUUID());
      const inserted = await store.insertBatch(
        [
          row(plain, 'plain 1'),
          row(keyed, 'keyed again', 'repeat-key'),
          row(keyed, 'keyed 2'),
          row(plain, 'plain 2'),
          row(keyed, 'keyed 3', 'repeat-key'),
        ],
        randomUUID(),
      );
      expect(inserted.map((r) => [r.room_id, r.seq, r.message.message])).toEqual([
        [keyed, 2, 'keyed 2'],
        [plain, 1, 'plain 1'],
        [plain, 2, 'plain 2'],
      ]);
      const lastSeqs = await m.db.query(
        'SELECT id, last_seq::int FROM rooms WHERE id = ANY($1) ORDER BY id',
        [[keyed, plain]],
      );
      expect(lastSeqs).toEqual([
        { id: keyed, last_seq: 2 },
        { id: plain, last_seq: 2 },
      ]);
    });
  });

  describe('history pages', () => {
    let pageIds: number[];

    beforeAll(async () => {
      await m.db.query('DELETE FROM messages');
      const rows: { id: string }[] = await m.db.query(
        `INSERT INTO messages (user_id, text) SELECT $1, 'message ' || n FROM generate_series(1, 120) n
         RETURNING id`,
        [author.id],
      );
      pageIds = rows.map((row) => Number(row.id));
    });

    it('gives the 50 newest, newest first, then pages back by id without gaps or repeats', async () => {
      const newest = JSON.parse(await messages.history()) as ChatMessage[];
      expect(ids(newest)).toEqual(pageIds.slice(-50).reverse());
      const seen: number[] = [];
      let before = pageIds[119] + 1;
      for (let page = 0; page < 5; page++) {
        const older = JSON.parse(await messages.history(before)) as ChatMessage[];
        if (older.length === 0) break;
        seen.push(...ids(older));
        before = seen[seen.length - 1];
      }
      expect(seen).toEqual([...pageIds].reverse());
      expect(await messages.history(pageIds[0])).toBe('[]');
    });

    it('gives newer messages oldest first, at most the limit, and a page at a time', async () => {
      expect(ids(await messages.since(pageIds[100]))).toEqual(pageIds.slice(101));
      expect(ids(await messages.since(0, 3))).toEqual(pageIds.slice(0, 3));
      const pages: number[][] = [];
      for await (const page of messages.pagesSince(pageIds[69], 20)) pages.push(ids(page));
      expect(pages).toEqual([pageIds.slice(70, 90), pageIds.slice(90, 110), pageIds.slice(110)]);
    });

    it('counts newer messages up to a bound, and knows the newest id', async () => {
      expect(await messages.countSince(pageIds[99], 1_000)).toBe(20);
      expect(await messages.countSince(0, 7)).toBe(7);
      expect(await messages.latestId()).toBe(pageIds[119]);
    });
  });

  describe('general room pages among busier rooms', () => {
    const OTHER_ROOM_MESSAGES = 5_000;
    let roomId: number;
    let generalIds: number[];

    beforeAll(async () => {
      await m.db.query('DELETE FROM messages');
      generalIds = (
        await m.db.query(
          `INSERT INTO messages (user_id, text) SELECT $1, 'general ' || n FROM generate_series(1, 60) n
           RETURNING id`,
          [author.id],
        )
      ).map((row: { id: string }) => Number(row.id));
      roomId = await privateRoom(m.db, [author.id]);
      // The other room's traffic came after general's, as when general is quiet and rooms busy.
      await m.db.query(
        `INSERT INTO messages (room_id, seq, user_id, text)
         SELECT $1, n, $2, 'elsewhere ' || n FROM generate_series(1, $3) n`,
        [roomId, author.id, OTHER_ROOM_MESSAGES],
      );
      await m.db.query('ANALYZE messages');
    });
    afterAll(() => m.db.query('DELETE FROM messages WHERE room_id = $1', [roomId]));

    /** The statement a read ran, as PostgreSQL runs it (a generic plan): rows it read and dropped. */
    async function rowsFilteredOut(read: () => Promise<unknown>): Promise<number> {
      const walk = (node: PlanNode): number =>
        Number(node['Rows Removed by Filter'] ?? 0) +
        (node.Plans ?? []).reduce((sum, child) => sum + walk(child), 0);
      return (await genericPlans(m, read)).reduce((sum, plan) => sum + walk(plan), 0);
    }

    it("reads the general room's messages without walking the other rooms' newer ones", async () => {
      // Through the repository: the service answers the newest page from memory once read.
      const newest = JSON.parse(await repository.newestPage()) as ChatMessage[];
      expect(ids(newest)).toEqual(generalIds.slice(-50).reverse());
      const reads: (() => Promise<unknown>)[] = [
        () => repository.newestPage(),
        () => repository.pageBefore(generalIds[59] + OTHER_ROOM_MESSAGES),
        () => repository.pageAfter(generalIds[10], 20),
        () => repository.countAfter(generalIds[10], 1_000),
        () => repository.latestId(),
      ];
      for (const read of reads) expect(await rowsFilteredOut(read)).toBeLessThan(100);
      expect(Number(await repository.latestId())).toBe(generalIds[59]);
    });

    it('does not walk them either once general holds most of the table, above them', async () => {
      // Numbered here: the row-at-a-time numbering trigger would take tens of seconds.
      const [{ id: firstAbove }] = await m.db.query(
        `WITH room AS (UPDATE rooms SET last_seq = last_seq + 20000 WHERE id = 1
                        RETURNING last_seq - 20000 AS last)
         INSERT INTO messages (room_id, seq, user_id, text)
         SELECT 1, room.last + n, $1, 'general later ' || n
           FROM room, generate_series(1, 20000) n ORDER BY n RETURNING id`,
        [author.id],
      );
      await m.db.query('ANALYZE messages');
      const older = JSON.parse(await repository.pageBefore(Number(firstAbove))) as ChatMessage[];
      expect(ids(older)).toEqual(generalIds.slice(-50).reverse());
      expect(await rowsFilteredOut(() => repository.pageBefore(Number(firstAbove)))).toBeLessThan(
        100,
      );
      expect(
        await rowsFilteredOut(() => repository.countAfter(generalIds[59], 1_000)),
      ).toBeLessThan(100);
    });
  });

  describe('edits and deletes', () => {
    let caller: AuthUser;
    beforeAll(() => (caller = { id: author.id, role: Role.User, sessionId: randomUUID() }));

    it('lets only the author edit, marks the message edited and publishes the change', async () => {
      const [row] = await store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [{ userId: author.id, text: 'to edit', clientId: null }]),
        randomUUID(),
      );
      const messageId = row.message.message_id;
      m.takeEvents();
      const stranger = { ...caller, id: other.id };
      await expect(messages.edit(stranger, messageId, 'hijacked')).rejects.toThrow(
        new ConflictError('Unauthorized access'),
      );
      await messages.edit(caller, messageId, 'edited');
      expect(m.takeEvents()).toEqual([
        {
          type: 'message.updated',
          roomId: 1,
          seq: expect.any(Number),
          messageId,
          text: 'edited',
          editedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          mentions: [],
          previousMentions: [],
          messageSeq: expect.any(Number),
          authorId: caller.id,
        },
      ]);
      const [page] = JSON.parse(await messages.history(messageId + 1)) as ChatMessage[];
      expect(page).toMatchObject({ message_id: messageId, message: 'edited', edited: true });
      await messages.rewrite(messageId, 'by a moderator');
      expect(await storedTexts(['by a moderator'])).toEqual(['by a moderator']);
    });

    it('deletes a message once, publishing it; a missing one is Unauthorized access', async () => {
      const [row] = await store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [{ userId: author.id, text: 'to delete', clientId: null }]),
        randomUUID(),
      );
      const messageId = row.message.message_id;
      m.takeEvents();
      await messages.remove(messageId);
      expect(m.takeEvents()).toEqual([
        {
          type: 'message.deleted',
          roomId: 1,
          seq: expect.any(Number),
          messageId,
          messageSeq: row.seq,
          authorId: author.id,
        },
      ]);
      await expect(messages.remove(messageId)).rejects.toThrow(ConflictError);
      await expect(messages.edit(caller, messageId, 'too late')).rejects.toThrow(ConflictError);
    });

    it("forgets the texts of a deleted message's edits, which replays would show", async () => {
      const [row] = await store.insertBatch(
        inRoom(GENERAL_ROOM_ID, [{ userId: author.id, text: 'secret', clientId: null }]),
        randomUUID(),
      );
      const messageId = row.message.message_id;
      await messages.rewrite(messageId, 'still secret');
      await messages.remove(messageId);
      const logged = await m.db.query(
        `SELECT type, payload FROM room_changes
          WHERE room_id = $1 AND payload->'messageId' = to_jsonb($2::bigint) ORDER BY seq`,
        [GENERAL_ROOM_ID, messageId],
      );
      expect(logged).toEqual([
        {
          type: 'message.updated',
          payload: {
            messageId,
            text: '',
            editedAt: expect.any(String),
            mentions: [],
            previousMentions: [],
            messageSeq: row.seq,
            authorId: author.id,
          },
        },
        {
          type: 'message.deleted',
          payload: { messageId, messageSeq: row.seq, authorId: author.id },
        },
      ]);
    });
  });

  describe('MessageWriter through MessagesService', () => {
    it('stores a batch, refusing only the rows PostgreSQL refuses, and publishes the rest in id order', async () => {
      const writes = [
        messages.send({ userId: author.id, text: 'writer alone' }),
        messages.send({ userId: author.id, text: 'writer 1', clientId: 'w-1' }),
        messages.send({ userId: other.id, text: 'nul key', clientId: 'nul\u0000key' }),
        messages.send({ userId: other.id, text: 'writer 2' }),
        messages.send({ userId: other.id, text: 'nul\u0000text' }),
        messages.send({ userId: author.id, text: 'writer 3', clientId: 'w-3' }),
        messages.send({ userId: author.id, text: 'writer 1', clientId: 'w-1' }),
      ];
      const outcomes = await Promise.allSettled(writes);
      await messages.drain();
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'fulfilled',
        'rejected',
        'fulfilled',
        'fulfilled',
      ]);
      const results = outcomes.map((o) => (o.status === 'fulfilled' ? o.value : null));
      expect(results[6]).toEqual({ ...results[1], created: false });
      const good = ['writer alone', 'writer 1', 'writer 2', 'writer 3'];
      expect(await storedTexts([...good, 'nul key'])).toEqual(good);
      const published = created(m.takeEvents()).map((event) => event.message);
      expect(published.map((message) => message.message)).toEqual(good);
      expect(ids(published)).toEqual([...ids(published)].sort((a, b) => a - b));
    });
  });

  describe('PreparedStatements', () => {
    it('lets two instances prepare different statements on the same connections', async () => {
      const [first, second] = [new PreparedStatements(m.db), new PreparedStatements(m.db)];
      const stored: number[] = (await m.db.query('SELECT id FROM messages ORDER BY id')).map(
        (row: { id: string }) => Number(row.id),
      );
      const [{ newest }] = await m.db.query(
        'SELECT max(id)::int AS newest FROM messages WHERE user_id = $1',
        [author.id],
      );
      // One at a time, so the pool hands the same idle connection to both.
      for (let i = 0; i < 3; i++) {
        const { rows: counted } = await first.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM messages WHERE id <= $1',
          [stored[9]],
        );
        expect(counted).toEqual([{ n: 10 }]);
        const { rows: latest } = await second.query<{ id: number }>(
          'SELECT max(id)::int AS id FROM messages WHERE user_id = $1',
          [author.id],
        );
        expect(latest).toEqual([{ id: newest }]);
      }
    });

    it('marks a failed statement with the server process that ran it', async () => {
      const statements = m.get(PreparedStatements);
      const failure = await statements.query('SELECT 1 / $1::int', [0]).catch((e: unknown) => e);
      expect(failure).toMatchObject({ code: '22012', backendPid: expect.any(Number) });
    });
  });

  describe('PreparedStatements after a refused statement', () => {
    it('keeps the connection when PostgreSQL refuses the statement itself', async () => {
      const statements = m.get(PreparedStatements);
      const pool = poolOf(m.db);
      await statements.query('SELECT 1', []);
      const connections = pool.totalCount;
      for (const [sql, parameters] of [
        ['SELECT 1 / $1::int', [0]],
        ['INSERT INTO messages (user_id, text) VALUES ($1, $2)', [-1, 'no such author']],
      ] as const) {
        await expect(statements.query(sql, [...parameters])).rejects.toHaveProperty('code');
        expect(pool.totalCount).toBe(connections);
      }
    });
  });

  describe('BackendProcessesRepository', () => {
    it('tells whether a server process still runs', async () => {
      const backends = m.get(BackendProcessesRepository);
      const client = new Client({ connectionString: m.config.databaseUrl });
      await client.connect();
      const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
      const pid = rows[0].pid;
      expect(await backends.anyRunning([pid])).toBe(true);
      await client.end();
      let running = true;
      for (let attempt = 0; attempt < 50 && running; attempt++) {
        running = await backends.anyRunning([pid]);
        if (running) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(running).toBe(false);
    });
  });

  describe('ids past 2^31', () => {
    it('are read back as numbers, and an id past 2^53 is refused', async () => {
      await m.db.query(`SELECT setval(pg_get_serial_sequence('messages', 'id'), 3000000000)`);
      const result = await messages.send({ userId: author.id, text: 'large id' });
      expect(result.message.message_id).toBe(3_000_000_001);
      expect(await messages.latestId()).toBe(3_000_000_001);
      expect(ids(await messages.since(3_000_000_000))).toEqual([3_000_000_001]);

      await m.db.query(`SELECT setval(pg_get_serial_sequence('messages', 'id'), 9007199254740993)`);
      await m.db.query(`INSERT INTO messages (user_id, text) VALUES ($1, 'past 2^53')`, [
        author.id,
      ]);
      await expect(messages.latestId()).rejects.toThrow('past 2^53');
    });
  });
});
