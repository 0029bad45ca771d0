import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { PreparedStatements } from '@chat/database';
import { messageJsonSql, StoredMessage } from './message-json';

/** One message of a batch to insert. */
export interface MessageRow {
  userId: number;
  text: string;
  /** The author's idempotency key; null for none. */
  clientId: string | null;
}

/**
 * One round trip: chat_insert_messages (see the migrations) numbers the new rows in the room's
 * sequence and skips rows whose key the room has stored; they come back in id order.
 */
const INSERT_BATCH = `
  SELECT m.user_id, m.client_id, ${messageJsonSql('$5')} AS message
    FROM chat_insert_messages($1, $2, $3, $4, $6) m JOIN users u ON u.id = m.user_id
   ORDER BY m.id`;

const SELECT_BY_KEYS = `
  SELECT m.user_id, m.client_id, ${messageJsonSql('$4')} AS message
    FROM messages m JOIN users u ON u.id = m.user_id
   WHERE m.room_id = $1
     AND (m.user_id, m.client_id) IN (SELECT * FROM unnest($2::integer[], $3::text[]))`;

const SELECT_WRITTEN = `
  SELECT m.user_id, m.client_id, ${messageJsonSql('$3')} AS message
    FROM messages m JOIN users u ON u.id = m.user_id
   WHERE m.id > $1 AND m.write_id = ANY($2::uuid[])
   ORDER BY m.id`;

/** A page of up to $2 messages as one JSON array that PostgreSQL builds; $1 is TIME_ZONE. */
function pageSql(where: string, order: 'ASC' | 'DESC'): string {
  return `
    SELECT coalesce(json_agg(message ORDER BY id ${order}), '[]')::text AS page
      FROM (SELECT m.id, ${messageJsonSql('$1')} AS message
              FROM messages m JOIN users u ON u.id = m.user_id
             ${where} ORDER BY m.id ${order} LIMIT $2) selected`;
}

const NEWEST_PAGE = pageSql('', 'DESC');
const PAGE_BEFORE = pageSql('WHERE m.id < $3', 'DESC');
const PAGE_AFTER = pageSql('WHERE m.id > $3', 'ASC');

const COUNT_AFTER = `
  SELECT count(*)::int AS count
    FROM (SELECT 1 FROM messages WHERE id > $1 ORDER BY id LIMIT $2) newer`;

/** max(id) is a bigint, which node-postgres reads as text. */
const LATEST_ID = 'SELECT coalesce(max(id), 0) AS id FROM messages';

const UPDATE_TEXT = `
  UPDATE messages SET text = $1, edited_at = now()
   WHERE id = $2 AND ($3::integer IS NULL OR user_id = $3)`;

const DELETE = 'DELETE FROM messages WHERE id = $1';

/**
 * The messages table, every statement a fixed one through PreparedStatements (the hot path). A
 * message leaves here in its wire shape, built by PostgreSQL (see messageJsonSql), with the
 * author as the users table has it now.
 */
@Injectable()
export class MessagesRepository {
  private readonly timeZone: string;

  constructor(
    private readonly sql: PreparedStatements,
    config: AppConfig,
  ) {
    this.timeZone = config.timeZone;
  }

  /**
   * Inserts a batch into a room in one statement, every row marked with `writeId`, skipping rows
   * whose author already stored their key in the room: the new rows in id order. Fails whole when
   * one row is refused.
   */
  async insertBatch(roomId: number, rows: MessageRow[], writeId: string): Promise<StoredMessage[]> {
    const { rows: inserted } = await this.sql.query<StoredMessage>(INSERT_BATCH, [
      roomId,
      rows.map((row) => row.userId),
      rows.map((row) => row.text),
      rows.map((row) => row.clientId),
      this.timeZone,
      writeId,
    ]);
    return inserted;
  }

  /** The messages stored in a room with these (author, key) pairs. */
  async findByKeys(
    roomId: number,
    keys: { userId: number; clientId: string }[],
  ): Promise<StoredMessage[]> {
    const { rows } = await this.sql.query<StoredMessage>(SELECT_BY_KEYS, [
      roomId,
      keys.map((key) => key.userId),
      keys.map((key) => key.clientId),
      this.timeZone,
    ]);
    return rows;
  }

  /** The messages with id above `afterId` that inserts marked with one of `writeIds` stored. */
  async findWritten(afterId: number, writeIds: string[]): Promise<StoredMessage[]> {
    const { rows } = await this.sql.query<StoredMessage>(SELECT_WRITTEN, [
      afterId,
      writeIds,
      this.timeZone,
    ]);
    return rows;
  }

  /** The `limit` newest messages, newest first, as JSON text. */
  newestPage(limit: number): Promise<string> {
    return this.page(NEWEST_PAGE, [limit]);
  }

  /** The `limit` newest messages with id below `beforeId`, newest first, as JSON text. */
  pageBefore(beforeId: number, limit: number): Promise<string> {
    return this.page(PAGE_BEFORE, [limit, beforeId]);
  }

  /** The `limit` oldest messages with id above `afterId`, oldest first, as JSON text. */
  pageAfter(afterId: number, limit: number): Promise<string> {
    return this.page(PAGE_AFTER, [limit, afterId]);
  }

  /** How many messages have an id above `afterId`, counting no further than `atMost`. */
  async countAfter(afterId: number, atMost: number): Promise<number> {
    const { rows } = await this.sql.query<{ count: number }>(COUNT_AFTER, [afterId, atMost]);
    return rows[0].count;
  }

  /** The newest id as PostgreSQL reads it, a bigint in text ('0' when there is no message). */
  async latestId(): Promise<string> {
    const { rows } = await this.sql.query<{ id: string }>(LATEST_ID, []);
    return rows[0].id;
  }

  /** Sets a message's text, only if `authorId` wrote it when given; whether it did. */
  async updateText(messageId: number, text: string, authorId?: number): Promise<boolean> {
    const { rowCount } = await this.sql.query(UPDATE_TEXT, [text, messageId, authorId ?? null]);
    return rowCount !== 0;
  }

  /** Whether there was such a message. */
  async delete(messageId: number): Promise<boolean> {
    const { rowCount } = await this.sql.query(DELETE, [messageId]);
    return rowCount !== 0;
  }

  private async page(sql: string, parameters: unknown[]): Promise<string> {
    const { rows } = await this.sql.query<{ page: string }>(sql, [this.timeZone, ...parameters]);
    return rows[0].page;
  }
}
