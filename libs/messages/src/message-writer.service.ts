import { Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { backendPidOf, BackendProcessesRepository, codeOf } from '@chat/database';
import { ChatMessage, EventBus } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { mentionedNames } from '@chat/protocol';
import { StoredMessage } from './message-json';
import { MessageStore } from './message-store.repository';

export interface NewMessage {
  roomId: number;
  userId: number;
  text: string;
  clientId?: string;
}

export interface WriteResult {
  message: ChatMessage;
  roomId: number;
  /** The message's number in its room. */
  seq: number;
  /** The users its @names named. */
  mentions: number[];
  /** False when the author's client_id was already stored: nothing new was written. */
  created: boolean;
}

interface PendingWrite extends NewMessage {
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

const MAX_BATCH = 500;
/**
 * Inserts in flight at once. One insert at a time left the writer waiting on each round trip
 * (with PostgreSQL and this process sharing the cores) while the database had CPU to spare.
 */
const MAX_IN_FLIGHT = 2;
/** Inserts whose outcome is unknown, remembered at most (oldest forgotten first). */
const MAX_IN_DOUBT = 100;
const SETTLE_RETRY_MS = 1_000;
/** A server process still running after this long is taken for a reused process id. */
const MAX_BACKEND_WAIT_MS = 60_000;

/** An insert that may have committed although its answer never came. */
interface InDoubtWrite {
  writeId: string;
  /** The newest id this writer had stored before it: the insert's rows can only be above. */
  after: number;
  /** The server process that ran it: while it lives, the insert may still commit. */
  backendPid: number | null;
  failedAt: number;
}

/**
 * Stores new messages and publishes `message.created` for each, each room's in id order.
 *
 * Messages that arrive while inserts are in flight are stored together by a next insert, whatever
 * their rooms, so the database sees one round trip and one commit per batch rather than per
 * message or per room. Up to MAX_IN_FLIGHT inserts run at once, but a room is in one of them at a
 * time (its later messages wait for it), so this instance publishes each room's messages exactly
 * in the order of their ids (and so of their numbers); the rows of different rooms may come out
 * of id order.
 */
@Injectable()
export class MessageWriter {
  private readonly logger = new Logger('MessageWriter');
  /**
   * The writes waiting, by room: the rooms in the order of their oldest waiting write, each room's
   * in arrival order. A room an insert holds is passed over in one step, however much it queued.
   */
  private readonly waiting = new Map<number, PendingWrite[]>();
  /** The inserts in flight, and the rooms they hold. */
  private readonly inFlight = new Set<Promise<void>>();
  private readonly busyRooms = new Set<number>();
  private settling: Promise<void> | null = null;
  private inDoubt: InDoubtWrite[] = [];
  private settleTimer?: NodeJS.Timeout;
  /** The newest message id this writer stored. */
  private newestId = 0;

  constructor(
    private readonly store: MessageStore,
    private readonly backends: BackendProcessesRepository,
    private readonly events: EventBus,
    private readonly metrics: ChatMetrics,
  ) {}

  write(message: NewMessage): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      const write = Object.assign({}, message, { resolve, reject });
      const room = this.waiting.get(write.roomId);
      if (room) room.push(write);
      else this.waiting.set(write.roomId, [write]);
      // A write of a room an insert holds starts nothing: it waits for that insert.
      if (!this.busyRooms.has(write.roomId)) this.pump();
    });
  }

  /**
   * Whether an insert's outcome is still unknown: it may have stored messages nobody was told of
   * yet (they are published once settled), so pages read meanwhile may lack them.
   */
  hasWritesInDoubt(): boolean {
    return this.inDoubt.length > 0;
  }

  /** Resolves once everything queued so far is stored and published. */
  async drain(): Promise<void> {
    while (this.settling || this.inFlight.size > 0) {
      await Promise.race(this.settling ? [this.settling, ...this.inFlight] : this.inFlight);
    }
  }

  /**
   * Settles the inserts in doubt when due, else starts inserts of what is queued while fewer than
   * MAX_IN_FLIGHT run. Nothing queued starts no insert (a retry timer's call may find none): an
   * insert that would only fail meanwhile.
   */
  private pump(): void {
    if (this.settling) return;
    // Not while a retry is due: a database that still hangs would hold every batch meanwhile.
    if (this.inDoubt.length > 0 && !this.settleTimer) {
      this.settling = this.settleInDoubt().finally(() => {
        this.settling = null;
        this.pump();
      });
      return;
    }
    while (this.inFlight.size < MAX_IN_FLIGHT) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      const rooms = new Set(batch.map((write) => write.roomId));
      for (const room of rooms) this.busyRooms.add(room);
      const insert = this.storeBatch(batch).finally(() => {
        for (const room of rooms) this.busyRooms.delete(room);
        this.inFlight.delete(insert);
        this.pump();
      });
      this.inFlight.add(insert);
    }
  }

  /**
   * The waiting writes of the rooms no insert in flight holds, oldest room first, at most
   * MAX_BATCH; a room cut short keeps the rest of its writes waiting, in order.
   */
  private takeBatch(): PendingWrite[] {
    const batch: PendingWrite[] = [];
    for (const [roomId, writes] of this.waiting) {
      if (this.busyRooms.has(roomId)) continue;
      const room = writes.splice(0, MAX_BATCH - batch.length);
      if (writes.length === 0) this.waiting.delete(roomId);
      for (const write of room) batch.push(write);
      if (batch.length === MAX_BATCH) break;
    }
    return batch;
  }

  /**
   * Publishes what the inserts in doubt stored, once the database answers again: their writers
   * were refused, but a timed-out or cut-off insert may have committed all the same, and its rows
   * must reach every client (a sender retrying with its client_id is answered as a repeat, which
   * goes to the sender alone). The rows are read only once the server processes that ran those
   * inserts are gone, since until then they may still commit; meanwhile new messages are stored,
   * so these may be published after newer ones. While the database does not answer, it is tried
   * again a second later.
   */
  private async settleInDoubt(): Promise<void> {
    // Those in doubt now: an insert that fails while this runs is settled next time.
    const writes = [...this.inDoubt];
    try {
      if (await this.stillRunning(writes)) return this.settleSoon();
      const rows = await this.store.findWritten(
        Math.min(...writes.map((w) => w.after)),
        writes.map((w) => w.writeId),
      );
      this.inDoubt = this.inDoubt.filter((write) => !writes.includes(write));
      if (rows.length > 0) {
        this.logger.warn(`Published ${rows.length} messages stored by inserts that timed out`);
      }
      this.publish(rows);
    } catch {
      this.settleSoon();
    }
  }

  /** Whether a server process that ran one of these inserts still runs (within a bound). */
  private async stillRunning(writes: InDoubtWrite[]): Promise<boolean> {
    const pids = writes
      .filter((w) => w.backendPid !== null && Date.now() - w.failedAt < MAX_BACKEND_WAIT_MS)
      .map((w) => w.backendPid!);
    return pids.length > 0 && this.backends.anyRunning(pids);
  }

  private markInDoubt(writeId: string, error: unknown, after: number): void {
    const write = {
      writeId,
      after,
      backendPid: backendPidOf(error),
      failedAt: Date.now(),
    };
    if (this.inDoubt.push(write) > MAX_IN_DOUBT) {
      this.logger.error('Too many inserts in doubt: the oldest is no longer checked');
      this.inDoubt.shift();
    }
    this.settleSoon();
  }

  /** Settles the inserts in doubt shortly, even if no new message comes to trigger it. */
  private settleSoon(): void {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      this.settleTimer = undefined;
      this.pump();
    }, SETTLE_RETRY_MS);
    this.settleTimer.unref();
  }

  /**
   * Stores a batch in one insert. When PostgreSQL refuses it for a row's data or a room (closed,
   * or an author not in it), which fails the whole statement, each room's rows are stored on their
   * own, and a room's each half on its own, down to the bad row alone: only its writer is refused,
   * the other rooms are not held up by it, and every room's rows keep their order.
   */
  private async storeBatch(batch: PendingWrite[]): Promise<void> {
    let inserted: StoredMessage[];
    const writeId = randomUUID();
    const storedBefore = this.newestId;
    const stopTimer = this.metrics.messageWriteDuration.startTimer();
    try {
      inserted = await this.store.insertBatch(
        batch.map((w) => ({
          roomId: w.roomId,
          userId: w.userId,
          text: w.text,
          clientId: w.clientId || null,
          mentionedNames: mentionedNames(w.text),
        })),
        writeId,
      );
    } catch (error) {
      stopTimer();
      if (batch.length > 1 && isRowError(error)) {
        const rooms = byRoom(batch);
        if (rooms.length > 1) {
          for (const room of rooms) await this.storeBatch(room);
          return;
        }
        // A closed room refuses each of its rows alike: no use trying them one by one.
        if (!isClosedRoom(error)) {
          const half = Math.ceil(batch.length / 2);
          await this.storeBatch(batch.slice(0, half));
          return this.storeBatch(batch.slice(half));
        }
      }
      if (!isRowError(error) && !refusedBeforeCommit(error)) {
        this.markInDoubt(writeId, error, storedBefore);
      }
      for (const pending of batch) pending.reject(error);
      return;
    }
    stopTimer();
    // Committed: from here on every stored row is published and every writer answered on its own.
    this.publish(inserted);
    const repeats = batch.filter((w) => w.clientId && !inserted.some((row) => sameKey(row, w)));
    let existing: StoredMessage[] = [];
    let lookupError: unknown;
    if (repeats.length > 0) {
      try {
        existing = await this.store.findByKeys(
          repeats.map((w) => ({ roomId: w.roomId, userId: w.userId, clientId: w.clientId! })),
        );
      } catch (error) {
        lookupError = error;
      }
    }
    this.answer(batch, inserted, existing, lookupError);
  }

  /** Publishes every new row in id order (the insert returns them so). */
  private publish(inserted: StoredMessage[]): void {
    this.metrics.messagesStored.inc(inserted.length);
    for (const row of inserted) {
      this.newestId = Math.max(this.newestId, row.message.message_id);
      this.events.publish({
        type: 'message.created',
        roomId: row.room_id,
        seq: row.seq,
        message: row.message,
        clientId: row.client_id ?? undefined,
        mentions: row.mentions.length > 0 ? row.mentions : undefined,
      });
    }
  }

  /**
   * Answers each writer with its row: a new one, or for a repeated key the one stored before (or
   * by an earlier frame of this batch). A writer whose row cannot be told apart (PostgreSQL stored
   * its key differently from how it was sent, or the earlier rows could not be read) is refused
   * alone.
   */
  private answer(
    batch: PendingWrite[],
    inserted: StoredMessage[],
    existing: StoredMessage[],
    lookupError: unknown,
  ): void {
    const unanswerable = () => lookupError ?? new Error('No stored row for this message');
    // Each room's rows come in the order of its writers (the batch is stored room by room).
    const unkeyed = new Map<number, StoredMessage[]>();
    for (const row of inserted) {
      if (row.client_id !== null) continue;
      const room = unkeyed.get(row.room_id);
      if (room) room.push(row);
      else unkeyed.set(row.room_id, [row]);
    }
    const claimed = new Set<StoredMessage>();
    for (const pending of batch) {
      if (!pending.clientId) {
        const row = unkeyed.get(pending.roomId)?.shift();
        if (row) pending.resolve(this.result(row, true));
        else pending.reject(unanswerable());
        continue;
      }
      const fresh = inserted.find((row) => sameKey(row, pending) && !claimed.has(row));
      if (fresh) {
        claimed.add(fresh);
        pending.resolve(this.result(fresh, true));
        continue;
      }
      const stored =
        inserted.find((row) => sameKey(row, pending)) ??
        existing.find((row) => sameKey(row, pending));
      if (stored) pending.resolve(this.result(stored, false));
      else pending.reject(unanswerable());
    }
  }

  private result(row: StoredMessage, created: boolean): WriteResult {
    return {
      message: row.message,
      roomId: row.room_id,
      seq: row.seq,
      mentions: row.mentions,
      created,
    };
  }
}

/** The writes of each room, in the order they came. */
function byRoom(writes: PendingWrite[]): PendingWrite[][] {
  const rooms = new Map<number, PendingWrite[]>();
  for (const write of writes) {
    const room = rooms.get(write.roomId);
    if (room) room.push(write);
    else rooms.set(write.roomId, [write]);
  }
  return [...rooms.values()];
}

/** The insert's refusal of a room that is archived or gone (see chat_insert_messages_in_rooms). */
function isClosedRoom(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('No open room');
}

/** An empty client_id is no key, in the insert and here alike. */
function sameKey(row: StoredMessage, write: NewMessage): boolean {
  return (
    row.room_id === write.roomId &&
    row.user_id === write.userId &&
    row.client_id === (write.clientId || null)
  );
}

/**
 * Refusals that PostgreSQL only raises while a statement runs, so before its commit: the insert
 * certainly rolled back. Anything else (no answer, a dropped connection, a proxy's 08P01, a
 * cancel, an error PostgreSQL may raise once the commit is written) may have committed: in doubt.
 * Decided on the code alone: pg gives the severity as localized text (`ERROR` or `ОШИБКА`).
 */
const REFUSED_BEFORE_COMMIT = new Set([
  '25006', // read_only_sql_transaction: a standby, after a failover
  '40001', // serialization_failure
  '40002', // transaction_integrity_constraint_violation
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  'P0001', // raise_exception: the insert function's own checks
]);

function refusedBeforeCommit(error: unknown): boolean {
  const code = codeOf(error);
  if (code === undefined) return false;
  // Class 42: a statement PostgreSQL could not parse, plan or was not allowed to run.
  return REFUSED_BEFORE_COMMIT.has(code) || code.startsWith('42');
}

/**
 * A refusal caused by one row's values: data exceptions (class 22, e.g. NUL in text) and
 * integrity violations (class 23). Anything else (the database away, a timeout) is the batch's.
 */
function isRowError(error: unknown): boolean {
  const code = codeOf(error);
  return code !== undefined && (code.startsWith('22') || code.startsWith('23'));
}
