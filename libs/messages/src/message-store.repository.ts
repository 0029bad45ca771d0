import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { PreparedStatements } from '@chat/database';
import { messageJsonSql, StoredMessage } from './message-json';
import { namesParameter } from './messages.repository';

/** One message of a batch to insert. */
export interface MessageRow {
  roomId: number;
  userId: number;
  text: string;
  /** The author's idempotency key; null for none. */
  clientId: string | null;
  /** The names its text mentions (mentionedNames), resolved to users by the insert; none if absent. */
  mentionedNames?: string[];
}

/** A stored message's key: its author's client_id in its room. */
export interface MessageKey {
  roomId: number;
  userId: number;
  clientId: string;
}

/**
 * Each row's author as `u`, read by id, in every statement here: a join left to the planner hashed
 * the whole users table on every insert when its statistics were missing or old (the insert says
 * it returns 100 rows).
 */
const AUTHOR = `CROSS JOIN LATERAL (
    SELECT name, role, avatar FROM users WHERE id = m.user_id LIMIT 1) u`;

/** A StoredMessage of `messages m` and its author `u`; `$timeZone` is TIME_ZONE's parameter. */
const stored = (timeZone: string) =>
  `m.room_id, m.seq::float8 AS seq, m.user_id, m.client_id, ${messageJsonSql(timeZone)} AS message,
   m.mentions`;

/**
 * One round trip and one commit for any number of rooms: chat_insert_messages_in_rooms (see the
 * migrations) numbers the rows in their rooms' sequences, resolves their mentions and skips rows
 * whose key the room has stored; they come back in id order (rooms ascending, each room's rows in
 * the order given).
 */
const INSERT_BATCH = `
  SELECT ${stored('$6')}
    FROM chat_insert_messages_in_rooms($1, $2, $3, $4, $5, $7) m ${AUTHOR}
   ORDER BY m.id`;

const SELECT_BY_KEYS = `
  SELECT ${stored('$4')}
    FROM messages m ${AUTHOR}
   WHERE (m.room_id, m.user_id, m.client_id)
         IN (SELECT * FROM unnest($1::integer[], $2::integer[], $3::text[]))`;

const SELECT_WRITTEN = `
  SELECT ${stored('$3')}
    FROM messages m ${AUTHOR}
   WHERE m.id > $1 AND m.write_id = ANY($2::uuid[])
   ORDER BY m.id`;

/** The writes of new messages (MessageWriter's statements), each a fixed prepared one. */
@Injectable()
export class MessageStore {
  private readonly timeZone: string;

  constructor(
    private readonly sql: PreparedStatements,
    config: AppConfig,
  ) {
    this.timeZone = config.timeZone;
  }

  /**
   * Inserts a batch, of one room or several, in one statement, every row marked with `writeId`,
   * skipping rows whose author already stored their key in the room: the new rows in id order,
   * each room's in the order given. Fails whole when one row or one room is refused.
   */
  async insertBatch(rows: MessageRow[], writeId: string): Promise<StoredMessage[]> {
    const { rows: inserted } = await this.sql.query<StoredMessage>(INSERT_BATCH, [
      rows.map((row) => row.roomId),
      rows.map((row) => row.userId),
      rows.map((row) => row.text),
      rows.map((row) => row.clientId),
      writeId,
      this.timeZone,
      rows.map((row) => namesParameter(row.mentionedNames)),
    ]);
    return inserted;
  }

  /** The messages stored with these keys (room, author, client_id). */
  async findByKeys(keys: MessageKey[]): Promise<StoredMessage[]> {
    const { rows } = await this.sql.query<StoredMessage>(SELECT_BY_KEYS, [
      keys.map((key) => key.roomId),
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
}
