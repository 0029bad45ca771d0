import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { PreparedStatements } from '@chat/database';
import { StoredMessage } from './message-json';
import { AUTHOR, insertBatchStatement, MessageRow, stored } from './message-insert';

/** A stored message's key: its author's client_id in its room. */
export interface MessageKey {
  roomId: number;
  userId: number;
  clientId: string;
}

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
    const { text, values } = insertBatchStatement(rows, writeId, this.timeZone);
    const { rows: inserted } = await this.sql.query<StoredMessage>(text, values);
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
