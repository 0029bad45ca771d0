import { SqlPool } from '@chat/database';
import { ChatMessage, EventBus } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { messageJson, StoredMessage } from './message-json';

export interface NewMessage {
  userId: number;
  text: string;
  clientId?: string;
}

export interface WriteResult {
  message: ChatMessage;
  /** False when the author's client_id was already stored: nothing new was written. */
  created: boolean;
}

interface PendingWrite extends NewMessage {
  resolve(result: WriteResult): void;
  reject(error: unknown): void;
}

interface Written {
  inserted: StoredMessage[];
  existing: StoredMessage[];
}

const MAX_BATCH = 500;

/**
 * Stores new messages and publishes `message.created` for each, in id order.
 *
 * Messages that arrive while a write is in flight are stored together by the next single INSERT,
 * so the database sees one round trip per batch rather than per message, and since batches run one
 * after another, this instance publishes its messages exactly in the order of their ids.
 */
export class MessageWriter {
  private queue: PendingWrite[] = [];
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly sql: SqlPool,
    /** TIME_ZONE, for time_send. */
    private readonly timeZone: string,
    private readonly events: EventBus,
    private readonly metrics: ChatMetrics,
  ) {}

  write(message: NewMessage): Promise<WriteResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...message, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Resolves once everything queued so far is stored and published. */
  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      try {
        this.settle(batch, await this.insert(batch));
      } catch (error) {
        for (const pending of batch) pending.reject(error);
      }
    }
    this.flushing = null;
  }

  private async insert(batch: PendingWrite[]): Promise<Written> {
    const { rows: inserted } = await this.sql.query<StoredMessage>(
      `WITH inserted AS (
         INSERT INTO messages (user_id, text, client_id)
         SELECT user_id, text, client_id
           FROM unnest($1::integer[], $2::text[], $3::text[]) WITH ORDINALITY
                AS batch (user_id, text, client_id, position)
          ORDER BY position
         ON CONFLICT (user_id, client_id) WHERE client_id IS NOT NULL DO NOTHING
         RETURNING *
       )
       SELECT m.user_id, m.client_id, ${messageJson('$4')} AS message
         FROM inserted m JOIN users u ON u.id = m.user_id ORDER BY m.id`,
      [
        batch.map((w) => w.userId),
        batch.map((w) => w.text),
        batch.map((w) => w.clientId ?? null),
        this.timeZone,
      ],
    );
    const duplicates = batch.filter((w) => w.clientId && !inserted.some((row) => sameKey(row, w)));
    if (duplicates.length === 0) return { inserted, existing: [] };
    // Rows stored before this batch for the keys it repeated.
    const { rows: existing } = await this.sql.query<StoredMessage>(
      `SELECT m.user_id, m.client_id, ${messageJson('$3')} AS message
         FROM messages m JOIN users u ON u.id = m.user_id
        WHERE (m.user_id, m.client_id) IN (SELECT * FROM unnest($1::integer[], $2::text[]))`,
      [duplicates.map((w) => w.userId), duplicates.map((w) => w.clientId), this.timeZone],
    );
    return { inserted, existing };
  }

  /** Publishes the new messages in id order, then answers every writer. */
  private settle(batch: PendingWrite[], rows: Written): void {
    const unkeyedRows = rows.inserted.filter((row) => row.client_id === null);
    const claimed = new Set<StoredMessage>();
    const results = batch.map((pending): [PendingWrite, WriteResult] => {
      if (!pending.clientId) return [pending, this.result(unkeyedRows.shift()!, true)];
      const fresh = rows.inserted.find((row) => sameKey(row, pending) && !claimed.has(row));
      if (fresh) {
        claimed.add(fresh);
        return [pending, this.result(fresh, true)];
      }
      // Stored before, or by an earlier frame with the same key in this very batch.
      const stored = [...rows.inserted, ...rows.existing].find((row) => sameKey(row, pending));
      return [pending, this.result(stored!, false)];
    });
    const created = results
      .filter(([, result]) => result.created)
      .sort(([, a], [, b]) => a.message.message_id - b.message.message_id);
    this.metrics.messagesStored.inc(created.length);
    for (const [pending, { message }] of created) {
      this.events.publish({ type: 'message.created', message, clientId: pending.clientId });
    }
    for (const [pending, result] of results) pending.resolve(result);
  }

  private result(row: StoredMessage, created: boolean): WriteResult {
    return { message: row.message, created };
  }
}

function sameKey(row: StoredMessage, write: NewMessage): boolean {
  return row.user_id === write.userId && row.client_id === (write.clientId ?? null);
}
