import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ChatEvent } from '@chat/events';
import { MessagesModule, MessagesService } from '@chat/messages';
import { Role } from '@chat/roles';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import { User, UsersService } from '@chat/users';
import { MessageRow } from '../../../../libs/messages/src/message-insert';
import { MessageStore } from '../../../../libs/messages/src/message-store.repository';
import type { WriteResult } from '../../../../libs/messages/src/message-writer.service';
import { createMediumModule, MediumModule, privateRoom, uniqueName } from './support/medium-module';

interface StoredRow {
  id: number;
  seq: number;
  user_id: number;
  client_id: string | null;
}

const publishedIds = (events: ChatEvent[]) =>
  events.flatMap((event) => (event.type === 'message.created' ? [event.message.message_id] : []));

const inRoom = (roomId: number, rows: Omit<MessageRow, 'roomId'>[]): MessageRow[] =>
  rows.map((row) => ({ roomId, ...row }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The messages of the general room in sequence order, and its last_seq. */
async function generalRoom(m: MediumModule): Promise<{ rows: StoredRow[]; lastSeq: number }> {
  const rows: StoredRow[] = await m.db.query(
    `SELECT id::float8 AS id, seq::float8 AS seq, user_id, client_id
       FROM messages WHERE room_id = $1 ORDER BY seq`,
    [GENERAL_ROOM_ID],
  );
  const [{ last_seq }] = await m.db.query(
    'SELECT last_seq::float8 AS last_seq FROM rooms WHERE id = $1',
    [GENERAL_ROOM_ID],
  );
  return { rows, lastSeq: last_seq };
}

/** Numbers 1..n, no gap, no repeat, ids rising with them; last_seq the newest. */
function expectGapFree({ rows, lastSeq }: { rows: StoredRow[]; lastSeq: number }): void {
  expect(rows.map((row) => row.seq)).toEqual(rows.map((_row, i) => i + 1));
  const ids = rows.map((row) => row.id);
  expect(ids).toEqual([...ids].sort((a, b) => a - b));
  expect(lastSeq).toBe(rows.length);
}

describe('the per-room sequence', () => {
  // The writer warns about the inserts in doubt these tests provoke.
  beforeAll(() => Logger.overrideLogger(['error']));

  describe('two instances writing into the general room at once', () => {
    let first: MediumModule;
    let second: MediumModule;
    let users: User[];

    beforeAll(async () => {
      first = await createMediumModule([MessagesModule]);
      second = await createMediumModule([MessagesModule], {}, first);
      const accounts = first.get(UsersService);
      users = [];
      for (let i = 0; i < 4; i++) {
        users.push(await accounts.create(uniqueName('writer'), 'correct horse', Role.User));
      }
    });
    afterAll(async () => {
      await second.close();
      await first.close();
    });

    it('numbers every stored message 1..N in id order, each repeat answered with the one stored row', async () => {
      const PER_INSTANCE = 300;
      const ROUND = 20;
      const instances = [first, second];
      // Each instance's inserts, to see that none was refused: a key or a number taken twice
      // would fail the statement and make the writer split the batch.
      const refused: unknown[] = [];
      for (const instance of instances) {
        const store = instance.get(MessageStore);
        const insert = store.insertBatch.bind(store);
        jest.spyOn(store, 'insertBatch').mockImplementation((...args) =>
          insert(...args).catch((error: unknown) => {
            refused.push(error);
            throw error;
          }),
        );
      }
      // Message i of either instance: author i % 4; every fifth without a key, the others keyed
      // `c${i % 60}`, so a key comes again 60 messages later on the same instance and in the
      // same round on the other.
      const sent: { userId: number; clientId?: string; result: Promise<WriteResult> }[] = [];
      for (let start = 0; start < PER_INSTANCE; start += ROUND) {
        for (const [k, instance] of instances.entries()) {
          const service = instance.get(MessagesService);
          for (let i = start; i < start + ROUND; i++) {
            const userId = users[i % 4].id;
            const clientId = i % 5 === 0 ? undefined : `c${i % 60}`;
            const result = service.send({ userId, text: `instance ${k} message ${i}`, clientId });
            sent.push({ userId, clientId, result });
          }
        }
        await sleep(1);
      }
      const results = await Promise.all(sent.map((write) => write.result));
      await Promise.all(instances.map((instance) => instance.get(MessagesService).drain()));

      expect(refused).toEqual([]);
      const room = await generalRoom(first);
      // 60 unkeyed per instance, and the 48 keys (author and key go together).
      expect(room.rows).toHaveLength(2 * 60 + 48);
      expectGapFree(room);

      const storedIds = room.rows.map((row) => row.id);
      const byKey = new Map<string, number>();
      for (const [i, write] of sent.entries()) {
        const id = results[i].message.message_id;
        expect(storedIds).toContain(id);
        if (!write.clientId) {
          expect(results[i].created).toBe(true);
          continue;
        }
        const key = `${write.userId} ${write.clientId}`;
        expect(byKey.get(key) ?? id).toBe(id);
        byKey.set(key, id);
      }
      expect(results.filter((result) => result.created)).toHaveLength(room.rows.length);
      const published = [...publishedIds(first.takeEvents()), ...publishedIds(second.takeEvents())];
      expect(published.sort((a, b) => a - b)).toEqual(storedIds);
    });
  });

  describe('refusals and inserts in doubt', () => {
    let m: MediumModule;
    let messages: MessagesService;
    let store: MessageStore;
    let author: User;

    beforeAll(async () => {
      m = await createMediumModule([MessagesModule]);
      messages = m.get(MessagesService);
      store = m.get(MessageStore);
      author = await m.get(UsersService).create(uniqueName('author'), 'correct horse', Role.User);
    });
    afterAll(() => m.close());
    afterEach(() => jest.restoreAllMocks());

    it('gives no number to a row PostgreSQL refuses, nor to the rest of its statement', async () => {
      const outcomes = await Promise.allSettled([
        messages.send({ userId: author.id, text: 'first' }),
        messages.send({ userId: author.id, text: 'before' }),
        // Longer than varchar(1000): refused inside the function, after the numbering.
        messages.send({ userId: author.id, text: 'x'.repeat(1001) }),
        messages.send({ userId: author.id, text: 'nul\u0000text' }),
        messages.send({ userId: author.id, text: 'after', clientId: 'a' }),
      ]);
      await messages.drain();
      expect(outcomes.map((outcome) => outcome.status)).toEqual([
        'fulfilled',
        'fulfilled',
        'rejected',
        'rejected',
        'fulfilled',
      ]);
      // An author that does not exist fails the statement after its rows were numbered.
      await expect(
        store.insertBatch(
          inRoom(GENERAL_ROOM_ID, [
            { userId: author.id, text: 'refused with its batch', clientId: null },
            { userId: -1, text: 'no such author', clientId: null },
          ]),
          randomUUID(),
        ),
      ).rejects.toMatchObject({ code: '23503' });
      await messages.send({ userId: author.id, text: 'last' });
      const room = await generalRoom(m);
      expect(room.rows).toHaveLength(4);
      expectGapFree(room);
    });

    it("reaches the batch's rooms by primary key, never by scanning the rooms table", async () => {
      const client = new Client({ connectionString: m.config.databaseUrl });
      await client.connect();
      try {
        await client.query('BEGIN');
        // A mention, and a repeated key (its row skipped, the room's number set back): every
        // statement of the function and its triggers runs, the foreign-key checks included.
        const key = randomUUID();
        await client.query('SELECT * FROM chat_insert_messages_in_rooms($1, $2, $3, $4, $5, $6)', [
          [GENERAL_ROOM_ID, GENERAL_ROOM_ID, GENERAL_ROOM_ID],
          [author.id, author.id, author.id],
          [`@${author.name} planned`, 'planned twice', 'planned twice'],
          [null, key, key],
          randomUUID(),
          [author.name, null, null],
        ]);
        const [scans] = (
          await client.query<{ seq_scan: string; idx_scan: string }>(
            `SELECT seq_scan, idx_scan FROM pg_stat_xact_user_tables WHERE relname = 'rooms'`,
          )
        ).rows;
        expect({ seq: Number(scans.seq_scan), byIndex: Number(scans.idx_scan) > 0 }).toEqual({
          seq: 0,
          byIndex: true,
        });
      } finally {
        await client.query('ROLLBACK');
        await client.end();
      }
    });

    it("refuses a non-member's row without a number taken, the others' stored in order, and nothing in an archived room", async () => {
      const outsider = await m
        .get(UsersService)
        .create(uniqueName('out'), 'correct horse', Role.User);
      const roomId = await privateRoom(m.db, [author.id]);
      const row = (userId: number, text: string) => ({ userId, text, clientId: null });
      await expect(
        store.insertBatch(
          inRoom(roomId, [row(author.id, 'one'), row(outsider.id, 'not a member')]),
          randomUUID(),
        ),
      ).rejects.toMatchObject({ code: '23000' });
      // Through the writer, the non-member's send alone is refused; each other answer is its own.
      const sends = await Promise.allSettled([
        messages.send({ roomId, userId: author.id, text: 'one' }),
        messages.send({ roomId, userId: outsider.id, text: 'not a member' }),
        messages.send({ roomId, userId: author.id, text: 'two' }),
      ]);
      await messages.drain();
      expect(
        sends.map((outcome) =>
          outcome.status === 'fulfilled'
            ? [outcome.value.seq, outcome.value.message.message]
            : 'refused',
        ),
      ).toEqual([[1, 'one'], 'refused', [2, 'two']]);
      const [{ last_seq }] = await m.db.query('SELECT last_seq::int FROM rooms WHERE id = $1', [
        roomId,
      ]);
      expect(last_seq).toBe(2);

      await m.db.query('UPDATE rooms SET archived_at = now() WHERE id = $1', [roomId]);
      await expect(
        store.insertBatch(inRoom(roomId, [row(author.id, 'too late')]), randomUUID()),
      ).rejects.toMatchObject({ code: '23503' });
    });

    it('keeps the sequence gap-free across inserts in doubt, committed or not', async () => {
      const before = (await generalRoom(m)).rows.length;
      m.takeEvents();
      // Committed, but the answer lost, as a read timeout after the commit does.
      const insert = store.insertBatch.bind(store);
      jest.spyOn(store, 'insertBatch').mockImplementationOnce(async (...args) => {
        await insert(...args);
        throw new Error('Query read timeout');
      });
      await expect(messages.send({ userId: author.id, text: 'answer lost' })).rejects.toThrow(
        'Query read timeout',
      );

      // Rolled back: cancelled while it waits for the room's lock.
      const holder = new Client({ connectionString: m.config.databaseUrl });
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT last_seq FROM rooms WHERE id = $1 FOR NO KEY UPDATE', [
        GENERAL_ROOM_ID,
      ]);
      const cancelled = messages.send({ userId: author.id, text: 'cancelled' });
      let waiting: number[] = [];
      for (let attempt = 0; attempt < 100 && waiting.length === 0; attempt++) {
        await sleep(20);
        const { rows } = await holder.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query LIKE '%chat_insert_messages%'`,
        );
        waiting = rows.map((row) => row.pid);
      }
      expect(waiting).toHaveLength(1);
      await holder.query('SELECT pg_cancel_backend($1)', [waiting[0]]);
      await expect(cancelled).rejects.toMatchObject({ code: '57014' });
      await holder.query('ROLLBACK');
      await holder.end();

      await messages.send({ userId: author.id, text: 'next' });
      // The writer settles its inserts in doubt within a second or two.
      const published: number[] = [];
      for (let attempt = 0; attempt < 100 && published.length < 2; attempt++) {
        await sleep(50);
        published.push(...publishedIds(m.takeEvents()));
      }
      const room = await generalRoom(m);
      expect(room.rows).toHaveLength(before + 2);
      expectGapFree(room);
      expect(published.sort((a, b) => a - b)).toEqual(room.rows.slice(before).map((r) => r.id));
    });
  });
});
