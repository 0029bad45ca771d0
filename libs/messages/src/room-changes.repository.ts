import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { PreparedStatements } from '@chat/database';
import { ChatMessage } from '@chat/events';
import { messageJsonSql } from './message-json';

/**
 * One numbered change as stored: a message (`type` 'message', `data` the compat message), or a
 * row of room_changes (`data` its payload). `json`, not jsonb, keeps the keys in the order the
 * compat clients see them.
 */
export interface StoredChange {
  seq: number;
  type: string;
  data: ChatMessage | Record<string, unknown>;
  /** For a message: when it was last edited (ISO 8601), or null. */
  edited_at: string | null;
  /** For a message: its sender's idempotency key, or null (live frames carry it too). */
  client_id: string | null;
  /** For a message: the users its @names named; null for a logged change. */
  mentions: number[] | null;
}

/**
 * Every change of room $1 numbered in ($2, $3], in order: the messages still stored, the logged
 * changes, and for each message deleted since, its deletion under the message's own number, so a
 * reader sees one change per number. `messages` narrows which messages count.
 */
const changesBetween = (messages: string) => `
  SELECT seq, type, data, edited_at, client_id, mentions FROM (
    SELECT m.seq, 'message' AS type, ${messageJsonSql('$4')} AS data,
           to_char(m.edited_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS edited_at,
           m.client_id, m.mentions
      FROM messages m JOIN users u ON u.id = m.user_id
     WHERE m.room_id = $1 AND m.seq > $2 AND m.seq <= $3 ${messages}
    UNION ALL
    SELECT seq, type, payload::json, NULL, NULL, NULL FROM room_changes
     WHERE room_id = $1 AND seq > $2 AND seq <= $3
    UNION ALL
    SELECT deleted_message_seq, type, payload::json, NULL, NULL, NULL FROM room_changes
     WHERE room_id = $1 AND deleted_message_seq > $2 AND deleted_message_seq <= $3) changes
   ORDER BY seq`;

const CHANGES_BETWEEN = changesBetween('');
/**
 * Only what the server announced when storing it: rows the writer inserted carry its write_id,
 * rows put in by hand (a bulk load, a test's history) do not and are never broadcast.
 */
const ANNOUNCED_BETWEEN = changesBetween('AND m.write_id IS NOT NULL');

const LAST_SEQS = `SELECT id, last_seq::float8 AS last_seq FROM rooms WHERE id = ANY($1::integer[])`;

/**
 * The rooms' change history: what a resume replays and what an instance reads to fill a gap in
 * the bus. It reads messages and room_changes together, and rooms.last_seq, the sequence both
 * take their numbers from.
 */
@Injectable()
export class RoomChangesRepository {
  private readonly timeZone: string;

  constructor(
    private readonly sql: PreparedStatements,
    config: AppConfig,
  ) {
    this.timeZone = config.timeZone;
  }

  /**
   * The changes of a room numbered after `afterSeq` up to `upToSeq`, in order; with
   * `announcedOnly`, without the messages stored by hand (see ANNOUNCED_BETWEEN).
   */
  async between(
    roomId: number,
    afterSeq: number,
    upToSeq: number,
    announcedOnly = false,
  ): Promise<StoredChange[]> {
    const sql = announcedOnly ? ANNOUNCED_BETWEEN : CHANGES_BETWEEN;
    const { rows } = await this.sql.query<StoredChange & { seq: string }>(sql, [
      roomId,
      afterSeq,
      upToSeq,
      this.timeZone,
    ]);
    return rows.map((row) => ({
      seq: Number(row.seq),
      type: row.type,
      data: row.data,
      edited_at: row.edited_at,
      client_id: row.client_id,
      mentions: row.mentions,
    }));
  }

  /** Each room's newest number; rooms that do not exist are left out. */
  async lastSeqs(roomIds: number[]): Promise<Map<number, number>> {
    const { rows } = await this.sql.query<{ id: number; last_seq: number }>(LAST_SEQS, [roomIds]);
    return new Map(rows.map((row) => [row.id, row.last_seq]));
  }
}
