import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { PreparedStatements } from '@chat/database';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import { messageJsonSql, RoomMessage, roomMessageJsonSql } from './message-json';
import { namesParameter } from './message-insert';

export interface MessagePlace {
  room_id: number;
  user_id: number;
  author_role: number;
}

/** The compat history pages' size. */
export const HISTORY_PAGE = 50;

/**
 * A page of up to `limit` messages (`$2`, or a constant) as one JSON array that PostgreSQL builds;
 * $1 is TIME_ZONE. The compat pages read the general room by id (within a room ids and numbers
 * agree in order); the room pages read any room by number, on the (room_id, seq) index.
 */
function pageSql(
  json: string,
  where: string,
  key: 'id' | 'seq',
  order: 'ASC' | 'DESC',
  limit: string,
): string {
  return `
    SELECT coalesce(json_agg(message ORDER BY key ${order}), '[]')::text AS page
      FROM (SELECT m.${key} AS key, ${json} AS message
              FROM messages m JOIN users u ON u.id = m.user_id
             WHERE ${where} ORDER BY m.${key} ${order} LIMIT ${limit}) selected`;
}

const GENERAL = `m.room_id = ${GENERAL_ROOM_ID}`;
/**
 * The newest and older compat pages have a constant size, so PostgreSQL keeps one generic plan
 * for them: with the size a parameter, a generic plan's estimate (a tenth of the rows below the
 * cursor) never beats a custom one, and each request would be planned again.
 */
const compatPage = (where: string, order: 'ASC' | 'DESC', limit: string) =>
  pageSql(messageJsonSql('$1'), where, 'id', order, limit);
const NEWEST_PAGE = compatPage(GENERAL, 'DESC', String(HISTORY_PAGE));
const PAGE_BEFORE = compatPage(`${GENERAL} AND m.id < $2`, 'DESC', String(HISTORY_PAGE));
const PAGE_AFTER = compatPage(`${GENERAL} AND m.id > $3`, 'ASC', '$2');

const roomPage = (where: string, order: 'ASC' | 'DESC') =>
  pageSql(roomMessageJsonSql('$1'), `m.room_id = $3 ${where}`, 'seq', order, '$2');
const ROOM_NEWEST_PAGE = roomPage('', 'DESC');
const ROOM_PAGE_BEFORE = roomPage('AND m.seq < $4', 'DESC');
const ROOM_PAGE_AFTER = roomPage('AND m.seq > $4', 'ASC');

const COUNT_AFTER = `
  SELECT count(*)::int AS count
    FROM (SELECT 1 FROM messages m WHERE ${GENERAL} AND id > $1 ORDER BY id LIMIT $2) newer`;

/** max(id) is a bigint, which node-postgres reads as text. */
const LATEST_ID = `SELECT coalesce(max(id), 0) AS id FROM messages m WHERE ${GENERAL}`;

const SELECT_PLACE = `
  SELECT m.room_id, m.user_id, u.role AS author_role
    FROM messages m JOIN users u ON u.id = m.user_id WHERE m.id = $1`;

const SELECT_ONE = `
  SELECT ${roomMessageJsonSql('$2')} AS message
    FROM messages m JOIN users u ON u.id = m.user_id WHERE m.id = $1`;

/**
 * Sets the text and the users its names `$5` mention (see namesParameter), only of `$3`'s
 * messages in room `$4` when given, and logs the edit under the room's next number, in one
 * statement: the edit and its number commit together. The row is locked first, so the mentions it
 * had before are the ones this edit replaces. The log keeps what the members' unread counts need
 * (the mentions before and after, the message's number and author), for replays as for the live
 * event.
 */
const UPDATE_TEXT = `
  WITH target AS (
    SELECT id, mentions FROM messages
     WHERE id = $2 AND ($3::integer IS NULL OR user_id = $3)
       AND ($4::integer IS NULL OR room_id = $4)
       FOR UPDATE),
  edited AS (
    UPDATE messages m SET text = $1, edited_at = now(),
           mentions = CASE WHEN $5::text IS NULL THEN '{}'
                           ELSE chat_mentioned_users(m.room_id, string_to_array($5, E'\\n')) END
      FROM target WHERE m.id = target.id
    RETURNING m.id, m.room_id, m.seq, m.user_id, m.text, m.mentions,
              target.mentions AS previous_mentions,
              to_char(m.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS edited_at)
  SELECT room_id, edited_at, mentions, previous_mentions, seq::float8 AS message_seq,
         user_id AS author_id,
         chat_log_change(room_id, 'message.updated',
           jsonb_build_object('messageId', id, 'text', text, 'editedAt', edited_at,
                              'mentions', mentions, 'previousMentions', previous_mentions,
                              'messageSeq', seq, 'authorId', user_id))::float8 AS seq
    FROM edited`;

/**
 * Deletes (only in room `$2`, when given) and logs it, naming the message's own number and author
 * (for the members' unread counts); the texts its edits logged, and whom they mentioned, are
 * blanked, so no replay shows what was deleted.
 */
const DELETE = `
  WITH deleted AS (
    DELETE FROM messages WHERE id = $1 AND ($2::integer IS NULL OR room_id = $2)
    RETURNING id, room_id, seq, user_id),
  forgotten AS (
    UPDATE room_changes c
       SET payload = c.payload || '{"text": "", "mentions": [], "previousMentions": []}'::jsonb
      FROM deleted
     WHERE c.room_id = deleted.room_id AND c.seq > deleted.seq
       AND c.type = 'message.updated' AND c.payload->'messageId' = to_jsonb(deleted.id))
  SELECT room_id, seq::float8 AS message_seq, user_id AS author_id,
         chat_log_change(room_id, 'message.deleted',
           jsonb_build_object('messageId', id, 'messageSeq', seq, 'authorId', user_id), seq)::float8
           AS seq
    FROM deleted`;

/** A change to a message, logged under its room's number. */
export interface LoggedChange {
  room_id: number;
  seq: number;
}

/** The message changed: its own number and author. */
export interface LoggedMessageChange extends LoggedChange {
  message_seq: number;
  author_id: number;
}

export interface LoggedEdit extends LoggedMessageChange {
  edited_at: string;
  /** The users the new text mentions, and those the text mentioned before. */
  mentions: number[];
  previous_mentions: number[];
}

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

  /** The `limit` newest messages of a room, newest first, as JSON text (room message shape). */
  roomNewestPage(roomId: number, limit: number): Promise<string> {
    return this.page(ROOM_NEWEST_PAGE, [limit, roomId]);
  }

  /** The `limit` newest messages of a room numbered below `beforeSeq`, newest first. */
  roomPageBefore(roomId: number, beforeSeq: number, limit: number): Promise<string> {
    return this.page(ROOM_PAGE_BEFORE, [limit, roomId, beforeSeq]);
  }

  /** The `limit` oldest messages of a room numbered above `afterSeq`, oldest first. */
  roomPageAfter(roomId: number, afterSeq: number, limit: number): Promise<string> {
    return this.page(ROOM_PAGE_AFTER, [limit, roomId, afterSeq]);
  }

  /** A message's room and author, or null when there is no such message. */
  /** Where a message is, and who wrote it (with their site role), or null. */
  async findPlace(messageId: number): Promise<MessagePlace | null> {
    const { rows } = await this.sql.query<MessagePlace>(SELECT_PLACE, [messageId]);
    return rows[0] ?? null;
  }

  /** One message in the room message shape, or null. */
  async findOne(messageId: number): Promise<RoomMessage | null> {
    const { rows } = await this.sql.query<{ message: RoomMessage }>(SELECT_ONE, [
      messageId,
      this.timeZone,
    ]);
    return rows[0]?.message ?? null;
  }

  /** The general room's HISTORY_PAGE newest messages, newest first, as JSON text. */
  newestPage(): Promise<string> {
    return this.page(NEWEST_PAGE, []);
  }

  /** The HISTORY_PAGE newest messages with id below `beforeId`, newest first, as JSON text. */
  pageBefore(beforeId: number): Promise<string> {
    return this.page(PAGE_BEFORE, [beforeId]);
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

  /**
   * Sets a message's text and the users the names it mentions stand for, only if `only.authorId`
   * wrote it and it is in `only.roomId` when given, and logs the edit: its room, number and time,
   * or null when no message matched.
   */
  async updateText(
    messageId: number,
    text: string,
    mentionedNames: string[],
    only: { authorId?: number; roomId?: number } = {},
  ): Promise<LoggedEdit | null> {
    const { rows } = await this.sql.query<LoggedEdit>(UPDATE_TEXT, [
      text,
      messageId,
      only.authorId ?? null,
      only.roomId ?? null,
      namesParameter(mentionedNames),
    ]);
    return rows[0] ?? null;
  }

  /** Deletes a message (only in `onlyRoomId` when given) and logs it; null when there was none. */
  async delete(messageId: number, onlyRoomId?: number): Promise<LoggedMessageChange | null> {
    const { rows } = await this.sql.query<LoggedMessageChange>(DELETE, [
      messageId,
      onlyRoomId ?? null,
    ]);
    return rows[0] ?? null;
  }

  private async page(sql: string, parameters: unknown[]): Promise<string> {
    const { rows } = await this.sql.query<{ page: string }>(sql, [this.timeZone, ...parameters]);
    return rows[0].page;
  }
}
