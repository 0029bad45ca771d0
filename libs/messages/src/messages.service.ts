import { Inject, Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { PreparedStatements } from '@chat/database';
import { ConflictError } from '@chat/errors';
import { ChatMessage, EventBus } from '@chat/events';
import { messageJsonSql } from './message-json';
import { MessageWriter, NewMessage, WriteResult } from './message-writer';

export const HISTORY_PAGE = 50;
export const SINCE_MAX = 500;
const UNAUTHORIZED = 'Unauthorized access';

@Injectable()
export class MessagesService {
  constructor(
    private readonly sql: PreparedStatements,
    @Inject(MessageWriter) private readonly writer: MessageWriter,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {}

  /** Stores a message and broadcasts it; a repeated client_id answers the stored one instead. */
  send(message: NewMessage): Promise<WriteResult> {
    return this.writer.write(message);
  }

  /** Waits until every message accepted so far is stored and broadcast. */
  drain(): Promise<void> {
    return this.writer.drain();
  }

  /** The newest messages with id below `beforeId` (all when absent), newest first: a JSON array. */
  history(beforeId?: number): Promise<string> {
    return beforeId === undefined
      ? this.page('', 'DESC', HISTORY_PAGE, [])
      : this.page('WHERE m.id < $3', 'DESC', HISTORY_PAGE, [beforeId]);
  }

  /** Messages with id above `afterId`, oldest first. */
  async since(afterId: number, limit = SINCE_MAX): Promise<ChatMessage[]> {
    return JSON.parse(await this.page('WHERE m.id > $3', 'ASC', limit, [afterId])) as ChatMessage[];
  }

  /**
   * Every message with id above `afterId`, oldest first, a page at a time: the next page is read
   * only when the caller asks for it.
   */
  async *pagesSince(afterId: number, pageSize: number): AsyncGenerator<ChatMessage[]> {
    for (;;) {
      const page = await this.since(afterId, pageSize);
      if (page.length > 0) yield page;
      if (page.length < pageSize) return;
      afterId = page[page.length - 1].message_id;
    }
  }

  /** How many messages have an id above `afterId`, counting no further than `atMost`. */
  async countSince(afterId: number, atMost: number): Promise<number> {
    const { rows } = await this.sql.query<{ count: number }>(
      `SELECT count(*)::int AS count
         FROM (SELECT 1 FROM messages WHERE id > $1 ORDER BY id LIMIT $2) newer`,
      [afterId, atMost],
    );
    return rows[0].count;
  }

  /** The id of the newest stored message (0 when there is none). */
  async latestId(): Promise<number> {
    // A bigint: node-postgres reads it as text, which must fit a JavaScript number exactly.
    const { rows } = await this.sql.query<{ id: string }>(
      'SELECT coalesce(max(id), 0) AS id FROM messages',
      [],
    );
    const id = Number(rows[0].id);
    if (!Number.isSafeInteger(id)) throw new Error(`Message id ${rows[0].id} is past 2^53`);
    return id;
  }

  /** Only the author edits; anything else reads as "Unauthorized access", as the contract says. */
  edit(caller: AuthUser, messageId: number, text: string): Promise<void> {
    return this.rewrite(messageId, text, caller.id);
  }

  /** Changes a message's text (only the author's, when `authorId` is given) and tells everyone. */
  async rewrite(messageId: number, text: string, authorId?: number): Promise<void> {
    const { rowCount } = await this.sql.query(
      `UPDATE messages SET text = $1, edited_at = now()
        WHERE id = $2 AND ($3::integer IS NULL OR user_id = $3)`,
      [text, messageId, authorId ?? null],
    );
    if (rowCount === 0) throw new ConflictError(UNAUTHORIZED);
    this.events.publish({ type: 'message.updated', messageId, text });
  }

  async remove(messageId: number): Promise<void> {
    const { rowCount } = await this.sql.query('DELETE FROM messages WHERE id = $1', [messageId]);
    if (rowCount === 0) throw new ConflictError(UNAUTHORIZED);
    this.events.publish({ type: 'message.deleted', messageId });
  }

  /** Up to `limit` messages in id order, as one JSON array that PostgreSQL builds. */
  private async page(
    where: string,
    order: 'ASC' | 'DESC',
    limit: number,
    parameters: unknown[],
  ): Promise<string> {
    const { rows } = await this.sql.query<{ page: string }>(
      `SELECT coalesce(json_agg(message ORDER BY id ${order}), '[]')::text AS page
         FROM (SELECT m.id, ${messageJsonSql('$1')} AS message
                 FROM messages m JOIN users u ON u.id = m.user_id
                ${where} ORDER BY m.id ${order} LIMIT $2) selected`,
      [this.config.timeZone, limit, ...parameters],
    );
    return rows[0].page;
  }
}
