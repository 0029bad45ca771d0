import { Logger } from '@nestjs/common';
import fc from 'fast-check';
import type { BackendProcessesRepository } from '@chat/database';
import type { ChatEvent, ChatMessage, EventBus } from '@chat/events';
import type { ChatMetrics } from '@chat/metrics';
import type { StoredMessage } from './message-json';
import { MessageWriter, NewMessage, WriteResult } from './message-writer.service';
import type { MessageRow } from './message-insert';
import type { MessageKey, MessageStore } from './message-store.repository';

interface Row {
  id: number;
  room_id: number;
  seq: number;
  user_id: number;
  text: string;
  client_id: string | null;
  write_id: string;
}

/** PostgreSQL refuses NUL in text with this SQLSTATE (character_not_in_repertoire). */
const NUL_REFUSED = '22021';
const BACKEND_PID = 4242;

/**
 * The writer's statements as PostgreSQL answers them: the batched insert (all or nothing, NUL
 * refused, ON CONFLICT on the author's client_id), the look-up of keys stored before, the look-up
 * of what an insert in doubt stored, and whether the server process that ran it still runs.
 * Strings travel as UTF-8, as node-postgres sends them, so a half surrogate arrives as U+FFFD.
 */
class FakeDatabase {
  readonly rows: Row[] = [];
  /** The size of each insert tried. */
  readonly inserts: number[] = [];
  /** Set to fail the next statements with this error. */
  failure?: unknown;
  failLookups = false;
  /** While set, inserts wait for it before they run (to see what the writer does meanwhile). */
  gate?: Promise<void>;
  /** How many turns of the microtask queue each answer takes (answers then cross in time). */
  turns: () => number = () => 0;
  /** Set to commit the next insert but lose its answer, as a timeout after the commit does. */
  loseNextAnswer = false;
  /** What the lost answer comes back as (by default the client's read timeout). */
  lostAnswer = (): Error => new Error('Query read timeout');
  /** Whether the server process that ran a lost insert still runs (it may yet commit). */
  backendRunning = false;

  /** The rooms of each insert tried. */
  readonly insertRooms: number[][] = [];

  readonly messages = {
    insertBatch: async (rows: MessageRow[], writeId: string) => {
      await this.gate;
      return this.answer(() => this.insert(rows, writeId));
    },
    findByKeys: (keys: MessageKey[]) =>
      this.answer(() => {
        if (this.failLookups) throw new Error('connection lost');
        const wanted = keys.map((key) => `${key.roomId} ${key.userId} ${utf8(key.clientId)}`);
        return this.rows
          .filter((r) => wanted.includes(`${r.room_id} ${r.user_id} ${r.client_id}`))
          .map(stored);
      }),
    findWritten: (afterId: number, writeIds: string[]) =>
      this.answer(() =>
        this.rows.filter((r) => r.id > afterId && writeIds.includes(r.write_id)).map(stored),
      ),
  } as unknown as MessageStore;

  readonly backends = {
    anyRunning: (pids: number[]) =>
      this.answer(() => pids.includes(BACKEND_PID) && this.backendRunning),
  } as unknown as BackendProcessesRepository;

  private async answer<T>(statement: () => T): Promise<T> {
    for (let turn = this.turns(); turn > 0; turn--) await Promise.resolve();
    if (this.failure) throw this.failure;
    return statement();
  }

  /** Rooms whose inserts are refused as chat_insert_messages_in_rooms refuses a closed room. */
  readonly closedRooms = new Set<number>();

  /** As chat_insert_messages_in_rooms: rooms ascending, each room's rows in order, all or nothing. */
  private insert(rows: MessageRow[], writeId: string): StoredMessage[] {
    const batch = [...rows].sort((a, b) => a.roomId - b.roomId);
    this.inserts.push(batch.length);
    this.insertRooms.push([...new Set(batch.map((row) => row.roomId))]);
    const closed = batch.find((row) => this.closedRooms.has(row.roomId));
    if (closed) {
      throw Object.assign(new Error(`No open room ${closed.roomId}`), { code: '23503' });
    }
    if (batch.some((row) => row.text.includes('\u0000') || row.clientId?.includes('\u0000'))) {
      throw Object.assign(new Error('invalid byte sequence for encoding "UTF8": 0x00'), {
        code: NUL_REFUSED,
      });
    }
    const inserted: Row[] = [];
    for (const { roomId, userId, text, clientId } of batch) {
      const key = clientId === null ? null : utf8(clientId);
      const taken =
        key !== null &&
        this.rows.some((r) => r.room_id === roomId && r.user_id === userId && r.client_id === key);
      if (taken) continue;
      const row = {
        id: this.rows.length + 1,
        room_id: roomId,
        seq: this.rows.filter((r) => r.room_id === roomId).length + 1,
        user_id: userId,
        text: utf8(text),
        client_id: key,
        write_id: writeId,
      };
      this.rows.push(row);
      inserted.push(row);
    }
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw Object.assign(this.lostAnswer(), { backendPid: BACKEND_PID });
    }
    return inserted.map(stored);
  }
}

function utf8(value: string): string {
  return Buffer.from(value, 'utf8').toString('utf8');
}

function stored(row: Row): StoredMessage {
  const message = { message_id: row.id, user_id: row.user_id, message: row.text } as ChatMessage;
  return {
    room_id: row.room_id,
    seq: row.seq,
    user_id: row.user_id,
    client_id: row.client_id,
    message,
    mentions: [],
  };
}

function setUp() {
  const db = new FakeDatabase();
  const published: { message: ChatMessage; clientId?: string }[] = [];
  const events = {
    publish: (event: ChatEvent) => {
      if (event.type === 'message.created') published.push(event);
    },
  } as unknown as EventBus;
  const metrics = {
    messagesStored: { inc: () => undefined },
    messageWriteDuration: { startTimer: () => () => undefined },
  } as unknown as ChatMetrics;
  const writer = new MessageWriter(db.messages, db.backends, events, metrics);
  return { db, published, writer };
}

/** A message to write: in room 1 unless it says. */
type Write = Omit<NewMessage, 'roomId'> & { roomId?: number };

/**
 * Writes everything at once (the first alone, the rest as the next batch) and settles them; in
 * room 1 unless a message names its room.
 */
async function writeAll(writer: MessageWriter, messages: Write[]) {
  const outcomes = await Promise.allSettled(
    messages.map((message) => writer.write({ roomId: 1, ...message })),
  );
  await writer.drain();
  return outcomes;
}

const fulfilled = (outcome: PromiseSettledResult<WriteResult>) =>
  outcome.status === 'fulfilled' ? outcome.value : null;

describe('MessageWriter', () => {
  // Its warnings about inserts in doubt are what these tests provoke.
  beforeAll(() => Logger.overrideLogger(['error']));
  afterEach(() => jest.restoreAllMocks());

  it('stores what arrives during a write with the next single insert, publishing in id order', async () => {
    const { db, published, writer } = setUp();
    const messages = Array.from({ length: 20 }, (_, i) => ({ userId: (i % 3) + 1, text: `m${i}` }));
    const outcomes = await writeAll(writer, messages);
    expect(db.inserts).toEqual([1, 19]);
    expect(outcomes.map((o) => fulfilled(o)?.message.message)).toEqual(messages.map((m) => m.text));
    expect(outcomes.every((o) => fulfilled(o)?.created)).toBe(true);
    expect(published.map((e) => e.message.message_id)).toEqual(
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  it('stores a repeated client_id once: the repeat gets the stored message, published once', async () => {
    const { db, published, writer } = setUp();
    const [, first, repeat] = await writeAll(writer, [
      { userId: 1, text: 'start' },
      { userId: 1, text: 'once', clientId: 'k' },
      { userId: 1, text: 'once', clientId: 'k' },
      { userId: 2, text: 'other author, same key', clientId: 'k' },
    ]);
    expect(fulfilled(first)).toMatchObject({ created: true, message: { message: 'once' } });
    expect(fulfilled(repeat)).toEqual({ ...fulfilled(first), created: false });
    const [later] = await writeAll(writer, [{ userId: 1, text: 'again', clientId: 'k' }]);
    expect(fulfilled(later)).toEqual({ ...fulfilled(first), created: false });
    expect(db.rows).toHaveLength(3);
    expect(published.map((e) => [e.message.message, e.clientId])).toEqual([
      ['start', undefined],
      ['once', 'k'],
      ['other author, same key', 'k'],
    ]);
  });

  it('stores a batch spanning rooms with one insert, each message numbered in its room', async () => {
    const { db, published, writer } = setUp();
    const rooms = [1, 2, 1, 5, 1, 7, 5, 5, 1];
    const outcomes = await writeAll(
      writer,
      rooms.map((roomId, i) => ({ roomId, userId: 1, text: `m${i}` })),
    );
    // The first two writes go at once, each alone; the other seven, of three rooms, as one insert.
    expect(db.insertRooms).toEqual([[1], [2], [1, 5, 7]]);
    expect(outcomes.map((o) => fulfilled(o) && [fulfilled(o)!.roomId, fulfilled(o)!.seq])).toEqual([
      [1, 1],
      [2, 1],
      [1, 2],
      [5, 1],
      [1, 3],
      [7, 1],
      [5, 2],
      [5, 3],
      [1, 4],
    ]);
    // Each insert in id order: the rooms ascending, each room's in arrival order.
    expect(published.map((e) => e.message.message)).toEqual([
      'm0',
      'm1',
      'm2',
      'm4',
      'm8',
      'm3',
      'm6',
      'm7',
      'm5',
    ]);
  });

  it('runs two inserts at once, never two of one room: its later messages wait for it', async () => {
    const { db, published, writer } = setUp();
    let open!: () => void;
    db.gate = new Promise((resolve) => (open = resolve));
    const writes = [
      writer.write({ roomId: 1, userId: 1, text: 'one, first' }),
      writer.write({ roomId: 2, userId: 1, text: 'two, first' }),
      writer.write({ roomId: 1, userId: 2, text: 'one, second' }),
      writer.write({ roomId: 3, userId: 1, text: 'three, first' }),
    ];
    await Promise.resolve();
    // Two inserts wait at the database: room 1's first, and room 2's beside it.
    expect(db.inserts).toEqual([]);
    db.gate = undefined;
    open();
    await Promise.all(writes);
    await writer.drain();
    // Room 1's second waited for its first; room 3's for a free insert.
    expect(db.insertRooms).toEqual([[1], [2], [1, 3]]);
    const inRoom = (room: number) =>
      published.filter((e) => db.rows[e.message.message_id - 1].room_id === room);
    expect(inRoom(1).map((e) => e.message.message)).toEqual(['one, first', 'one, second']);
    expect(db.rows.filter((r) => r.room_id === 1).map((r) => r.seq)).toEqual([1, 2]);
  });

  it('lets the event loop run while drain() waits for an insert (as at shutdown)', async () => {
    const { db, writer } = setUp();
    // The insert's answer comes from I/O (a macrotask), as a real socket's does.
    db.gate = new Promise((resolve) => setTimeout(resolve, 20));
    const written = writer.write({ roomId: 1, userId: 1, text: 'in flight at shutdown' });
    const race = Promise.race.bind(Promise);
    let races = 0;
    jest.spyOn(Promise, 'race').mockImplementation(((values: Iterable<unknown>) => {
      if (++races > 1_000) throw new Error(`drain() spun ${races} times without a macrotask`);
      return race(values);
    }) as typeof Promise.race);
    await writer.drain();
    await written;
    expect(races).toBeLessThan(10);
  });

  it("publishes each room's messages in the order written, whatever order the answers come in", async () => {
    const write = fc.record({ roomId: fc.integer({ min: 1, max: 4 }), pause: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(write, { minLength: 1, maxLength: 60 }),
        fc.infiniteStream(fc.integer({ min: 0, max: 5 })),
        async (messages, turns) => {
          const { db, published, writer } = setUp();
          db.turns = () => turns.next().value;
          const outcomes: Promise<WriteResult>[] = [];
          for (const [i, { roomId, pause }] of messages.entries()) {
            outcomes.push(writer.write({ roomId, userId: 1, text: `${roomId}:${i}` }));
            if (pause) await Promise.resolve();
          }
          const results = await Promise.all(outcomes);
          await writer.drain();
          for (let room = 1; room <= 4; room++) {
            const written = messages.flatMap((m, i) => (m.roomId === room ? [`${room}:${i}`] : []));
            const out = published.filter((e) => e.message.message.startsWith(`${room}:`));
            expect(out.map((e) => e.message.message)).toEqual(written);
            const seqs = results.filter((r) => r.roomId === room).map((r) => r.seq);
            expect(seqs).toEqual(written.map((_text, i) => i + 1));
          }
          expect(published).toHaveLength(messages.length);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('refuses only the rows PostgreSQL refuses; the rest of the batch is stored in order', async () => {
    const { db, published, writer } = setUp();
    const messages: Write[] = Array.from({ length: 40 }, (_, i) => ({
      userId: 1,
      text: `good ${i}`,
    }));
    messages[7] = { userId: 9, text: 'bad', clientId: 'nul\u0000' };
    messages[30] = { userId: 9, text: 'nul\u0000text' };
    const outcomes = await writeAll(writer, messages);
    expect(outcomes[7].status).toBe('rejected');
    expect(outcomes[30].status).toBe('rejected');
    const good = messages.filter((m) => m.userId === 1).map((m) => m.text);
    expect(db.rows.map((r) => r.text)).toEqual(good);
    expect(published.map((e) => e.message.message)).toEqual(good);
    expect(outcomes.filter((o) => fulfilled(o)?.created)).toHaveLength(good.length);
    // Halving, not one insert per row.
    expect(db.inserts.length).toBeLessThan(messages.length);
  });

  it('publishes a row whose key PostgreSQL changed, and refuses only its writer', async () => {
    const { db, published, writer } = setUp();
    const outcomes = await writeAll(writer, [
      { userId: 1, text: 'start' },
      { userId: 1, text: 'before', clientId: 'a' },
      { userId: 9, text: 'half pair', clientId: 'x\ud800' },
      { userId: 2, text: 'after' },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(db.rows).toHaveLength(4);
    expect(published.map((e) => e.message.message)).toEqual([
      'start',
      'before',
      'half pair',
      'after',
    ]);
  });

  it('refuses the whole batch when the database fails it, and goes on with the next', async () => {
    const { db, published, writer } = setUp();
    db.failure = Object.assign(new Error('terminating connection'), { code: '57P01' });
    const outcomes = await writeAll(writer, [
      { userId: 1, text: 'a' },
      { userId: 2, text: 'b' },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected']);
    expect(db.inserts).toEqual([]);
    db.failure = undefined;
    expect(fulfilled((await writeAll(writer, [{ userId: 1, text: 'c' }]))[0])?.created).toBe(true);
    expect(published.map((e) => e.message.message)).toEqual(['c']);
  });

  it.each([
    ['a deadlock', '40P01'],
    ['a standby after a failover', '25006'],
    ['a statement it could not run', '42883'],
  ])('takes an insert PostgreSQL refused with %s as rolled back, not in doubt', async (_, code) => {
    const { db, published, writer } = setUp();
    // Its connection stays in the pool, so its server process runs on: in doubt, it would wait.
    db.backendRunning = true;
    db.failure = Object.assign(new Error('refused'), { code, backendPid: BACKEND_PID });
    const outcomes = await writeAll(writer, [{ userId: 1, text: 'refused' }]);
    expect(outcomes.map((o) => o.status)).toEqual(['rejected']);
    expect(writer.hasWritesInDoubt()).toBe(false);
    db.failure = undefined;
    await writeAll(writer, [{ userId: 1, text: 'next' }]);
    expect(published.map((e) => e.message.message)).toEqual(['next']);
  });

  it("refuses a closed room's writers alone, at once, without holding up the other rooms", async () => {
    const { db, published, writer } = setUp();
    db.closedRooms.add(9);
    const messages: Write[] = [{ userId: 1, text: 'first' }];
    for (let i = 0; i < 100; i++) {
      messages.push({ roomId: i % 2 ? 9 : 1 + (i % 7), userId: 2, text: `m${i}` });
    }
    const outcomes = await writeAll(writer, messages);
    const refused = outcomes.flatMap((o, i) => (o.status === 'rejected' ? [messages[i]] : []));
    expect(refused).toHaveLength(50);
    expect(refused.every((m) => m.roomId === 9)).toBe(true);
    expect(published).toHaveLength(51);
    // The first alone, the mixed batch, then each room once: room 9's rows are not halved.
    expect(db.inserts.length).toBeLessThanOrEqual(2 + 8);
    const room1 = published.filter((e) => e.message.message !== 'first');
    expect(room1.map((e) => e.message.message_id)).toEqual(
      [...room1.map((e) => e.message.message_id)].sort((a, b) => a - b),
    );
  });

  describe('when the answer to an insert is lost', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    it('publishes its rows once the database answers again, so a retried key reaches everyone', async () => {
      const { db, published, writer } = setUp();
      await writeAll(writer, [{ userId: 1, text: 'before' }]);
      db.loseNextAnswer = true;
      const [lost] = await writeAll(writer, [{ userId: 2, text: 'committed', clientId: 'k' }]);
      expect(lost.status).toBe('rejected');
      expect(published.map((e) => e.message.message)).toEqual(['before']);

      // The sender retries with its key: answered as a repeat, to the sender alone.
      const [retry, next] = await writeAll(writer, [
        { userId: 2, text: 'committed', clientId: 'k' },
        { userId: 3, text: 'after' },
      ]);
      expect(fulfilled(retry)).toMatchObject({ created: false, message: { message_id: 2 } });
      expect(fulfilled(next)?.message.message_id).toBe(3);

      await jest.advanceTimersByTimeAsync(1_000);
      await writer.drain();
      expect(published.map((e) => [e.message.message_id, e.clientId])).toEqual([
        [1, undefined],
        [3, undefined],
        [2, 'k'],
      ]);
    });

    it.each(['FATAL', 'ВАЖНО'])(
      'publishes an insert committed before a proxy reported its connection lost (08P01, %s)',
      async (severity) => {
        const { db, published, writer } = setUp();
        db.loseNextAnswer = true;
        // pg gives the severity as the server's localized text.
        db.lostAnswer = () =>
          Object.assign(new Error('server conn crashed?'), { code: '08P01', severity });
        const [lost] = await writeAll(writer, [{ userId: 2, text: 'committed' }]);
        expect(lost.status).toBe('rejected');
        expect(writer.hasWritesInDoubt()).toBe(true);
        await jest.advanceTimersByTimeAsync(1_000);
        await writer.drain();
        expect(published.map((e) => e.message.message)).toEqual(['committed']);
      },
    );

    it('publishes an insert that went in doubt while an earlier one was being settled', async () => {
      const { db, published, writer } = setUp();
      // X: committed, its answer lost: in doubt, settled a second later.
      db.loseNextAnswer = true;
      await writeAll(writer, [{ roomId: 1, userId: 1, text: 'X (in doubt)' }]);
      // Y, of another room, is held at the database until X's settle reads X's rows; then Y
      // commits and its answer is lost too, while that read runs.
      let open!: () => void;
      db.gate = new Promise((resolve) => (open = resolve));
      const y = writer.write({ roomId: 2, userId: 1, text: 'Y (in doubt during the settle)' });
      const findWritten = db.messages.findWritten.bind(db.messages);
      jest.spyOn(db.messages, 'findWritten').mockImplementationOnce(async (...args) => {
        db.loseNextAnswer = true;
        db.gate = undefined;
        open();
        for (let turn = 0; turn < 20; turn++) await Promise.resolve();
        return findWritten(...args);
      });
      await jest.advanceTimersByTimeAsync(1_000);
      await expect(y).rejects.toThrow('Query read timeout');
      await writer.drain();
      expect(writer.hasWritesInDoubt()).toBe(true);
      await jest.advanceTimersByTimeAsync(1_000);
      await writer.drain();
      expect(published.map((e) => e.message.message)).toEqual([
        'X (in doubt)',
        'Y (in doubt during the settle)',
      ]);
      expect(writer.hasWritesInDoubt()).toBe(false);
    });

    it('says an insert is in doubt until it is settled', async () => {
      const { db, writer } = setUp();
      expect(writer.hasWritesInDoubt()).toBe(false);
      db.loseNextAnswer = true;
      await writeAll(writer, [{ userId: 2, text: 'committed' }]);
      expect(writer.hasWritesInDoubt()).toBe(true);
      await jest.advanceTimersByTimeAsync(1_000);
      await writer.drain();
      expect(writer.hasWritesInDoubt()).toBe(false);
    });

    it('still publishes what it stored after an outage of minutes (idle retries try no empty insert)', async () => {
      const { db, published, writer } = setUp();
      db.loseNextAnswer = true;
      await writeAll(writer, [{ userId: 1, text: 'committed' }]);
      db.failure = new Error('connect ECONNREFUSED');
      for (let second = 0; second < 150; second++) {
        await jest.advanceTimersByTimeAsync(1_000);
        await writer.drain();
      }
      db.failure = undefined;
      await jest.advanceTimersByTimeAsync(1_000);
      await writer.drain();
      expect(published.map((e) => e.message.message)).toEqual(['committed']);
      expect(db.inserts).not.toContain(0);
    });

    it('keeps the insert in doubt while the database does not answer, and settles it later', async () => {
      const { db, published, writer } = setUp();
      db.loseNextAnswer = true;
      await writeAll(writer, [{ userId: 1, text: 'committed' }]);
      db.failure = new Error('Query read timeout');
      await jest.advanceTimersByTimeAsync(1_000);
      await writer.drain();
      expect(published).toEqual([]);

      db.failure = undefined;
      await jest.advanceTimersByTimeAsync(1_000);
      await writer.drain();
      expect(published.map((e) => e.message.message)).toEqual(['committed']);
    });

    it('reads its rows only once the server process that ran it is gone, storing new messages meanwhile', async () => {
      const { db, published, writer } = setUp();
      db.loseNextAnswer = true;
      db.backendRunning = true;
      await writeAll(writer, [{ userId: 1, text: 'in doubt' }]);
      await jest.advanceTimersByTimeAsync(1_000);
      const [meanwhile] = await writeAll(writer, [{ userId: 2, text: 'meanwhile' }]);
      expect(fulfilled(meanwhile)?.created).toBe(true);
      expect(published.map((e) => e.message.message)).toEqual(['meanwhile']);

      db.backendRunning = false;
      await jest.advanceTimersByTimeAsync(1_000);
      await writer.drain();
      expect(published.map((e) => e.message.message)).toEqual(['meanwhile', 'in doubt']);
    });

    it('takes a server process still running after a minute for a reused id, and reads the rows', async () => {
      const { db, published, writer } = setUp();
      db.loseNextAnswer = true;
      db.backendRunning = true;
      await writeAll(writer, [{ userId: 1, text: 'in doubt' }]);
      await jest.advanceTimersByTimeAsync(59_000);
      await writer.drain();
      expect(published).toEqual([]);
      await jest.advanceTimersByTimeAsync(2_000);
      await writer.drain();
      expect(published.map((e) => e.message.message)).toEqual(['in doubt']);
    });

    it('publishes every stored row exactly once, whichever answers are lost', async () => {
      const write = fc.record({
        userId: fc.integer({ min: 1, max: 5 }),
        text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        clientId: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
      });
      const round = fc.record({
        messages: fc.array(write, { minLength: 1, maxLength: 10 }),
        loseAnswer: fc.boolean(),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(round, { maxLength: 6 }), async (rounds) => {
          const { db, published, writer } = setUp();
          for (const { messages, loseAnswer } of rounds) {
            db.loseNextAnswer = loseAnswer;
            const outcomes = await writeAll(writer, messages);
            // Only the writer of the insert whose answer was lost is refused.
            expect(outcomes.filter((o) => o.status === 'rejected').length).toBe(loseAnswer ? 1 : 0);
          }
          await jest.advanceTimersByTimeAsync(1_000);
          await writer.drain();
          const ids = published.map((e) => e.message.message_id).sort((a, b) => a - b);
          expect(ids).toEqual(db.rows.map((row) => row.id));
        }),
        { numRuns: 100 },
      );
    });
  });

  it('publishes and answers the new rows when the look-up of earlier keys fails', async () => {
    const { db, published, writer } = setUp();
    await writeAll(writer, [{ userId: 1, text: 'stored before', clientId: 'old' }]);
    db.failLookups = true;
    const outcomes = await writeAll(writer, [
      { userId: 2, text: 'start' },
      { userId: 1, text: 'stored before', clientId: 'old' },
      { userId: 2, text: 'new' },
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(published.map((e) => e.message.message)).toEqual(['stored before', 'start', 'new']);
  });

  describe('against arbitrary input from one hostile user', () => {
    const hostileCharacter = fc.oneof(
      fc.constantFrom('\u0000', '\ud800', '\udfff', '\u001b', ' '),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    );
    const hostileString = fc.string({ unit: hostileCharacter, maxLength: 20 });
    const HOSTILE = 666;
    const write = fc.oneof(
      fc.record({
        userId: fc.constant(HOSTILE),
        text: hostileString,
        clientId: fc.option(hostileString, { nil: undefined }),
      }),
      fc.record({
        userId: fc.integer({ min: 1, max: 5 }),
        text: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
        clientId: fc.option(fc.constantFrom('k1', 'k2', 'k3'), { nil: undefined }),
      }),
    );

    it("stores and publishes every other user's message exactly once", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(write, { maxLength: 60 }), async (messages) => {
          const { db, published, writer } = setUp();
          const outcomes = await writeAll(writer, messages);
          const ids = published.map((e) => e.message.message_id);
          expect(ids).toEqual([...ids].sort((a, b) => a - b));
          expect(new Set(ids).size).toBe(ids.length);
          expect(db.rows.map((r) => r.id)).toEqual(ids);
          const firstOfKey = new Map<string, number>();
          messages.forEach((message, i) => {
            if (message.userId === HOSTILE) return;
            const outcome = fulfilled(outcomes[i]);
            expect(outcome).not.toBeNull();
            const key = message.clientId && `${message.userId} ${message.clientId}`;
            const first = key ? firstOfKey.get(key) : undefined;
            if (first === undefined) {
              if (key) firstOfKey.set(key, i);
              expect(outcome!.created).toBe(true);
              expect(outcome!.message.message).toBe(message.text);
              const copies = published.filter(
                (e) => e.message.message_id === outcome!.message.message_id,
              );
              expect(copies).toHaveLength(1);
            } else {
              expect(outcome).toEqual({ ...fulfilled(outcomes[first]), created: false });
            }
          });
        }),
        { numRuns: 200 },
      );
    });
  });
});
