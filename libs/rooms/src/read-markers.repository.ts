import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '@chat/database';
import { GENERAL_ROOM_ID } from './general-room';
import { readMarkersSql, unreadCountsSql } from './unread-counts-sql';

/** A member's counts in a room, exact as of the room's number `last_seq`. */
export interface MemberCounts {
  user_id: number;
  unread: number;
  mentions: number;
  last_read_seq: number;
  last_seq: number;
}

/**
 * Moves `$2`'s marker in room `$1` to `$3`, clamped to the room's last number, only forwards: the
 * WHERE is checked again on the newest row when two moves race, so the marker never goes back.
 * No row when it did not move (or `$2` has no member row there).
 */
const MOVE_IN_ROOM = `
  UPDATE room_members m SET last_read_seq = least($3::bigint, r.last_seq)
    FROM rooms r
   WHERE r.id = $1 AND m.room_id = $1 AND m.user_id = $2
     AND m.last_read_seq < least($3::bigint, r.last_seq)
  RETURNING m.last_read_seq::float8 AS last_read_seq`;

/**
 * The same in the general room, whose markers have a table of their own (a row made with each
 * account). A read that does not move it updates, locks and writes nothing; only a marker missing
 * is made here.
 */
const MOVE_IN_GENERAL = `
  WITH target AS (SELECT least($3::bigint, last_seq) AS seq FROM rooms WHERE id = $1),
  moved AS (
    UPDATE general_read_markers g SET last_read_seq = target.seq
      FROM target
     WHERE g.user_id = $2 AND g.last_read_seq < target.seq
    RETURNING g.last_read_seq),
  started AS (
    INSERT INTO general_read_markers (user_id, last_read_seq)
    SELECT $2, target.seq FROM target
     WHERE NOT EXISTS (SELECT 1 FROM general_read_markers WHERE user_id = $2)
    ON CONFLICT (user_id) DO NOTHING
    RETURNING last_read_seq)
  SELECT last_read_seq::float8 AS last_read_seq FROM moved
  UNION ALL
  SELECT last_read_seq::float8 FROM started`;

/**
 * The counts of the members among `$2` in room `$1` (with `condition` on their marker `mk`), in
 * one statement: each marker and the room's last_seq are read in the same snapshot as the
 * messages, so each count is exact as of that number.
 */
const countsSql = (condition: string) => `
  SELECT mk.user_id, ${unreadCountsSql('r.id', 'mk.user_id', 'mk.last_read_seq')},
         mk.last_read_seq::float8 AS last_read_seq, r.last_seq::float8 AS last_seq
    FROM rooms r CROSS JOIN (${readMarkersSql('$1', '$2')}) mk
   WHERE r.id = $1 ${condition}
   ORDER BY mk.user_id`;

const COUNTS = countsSql('');
/**
 * Only the members for whom a message numbered `$3` is unread: after their marker, and not their
 * own when its author `$4` is given.
 */
const COUNTS_FOR_UNREAD = countsSql(
  'AND mk.last_read_seq < $3 AND ($4::integer IS NULL OR mk.user_id <> $4)',
);

/** Read markers, and the unread and mention counts derived from them (see unreadCountsSql). */
@Injectable()
export class ReadMarkersRepository {
  constructor(private readonly sql: PreparedStatements) {}

  /** Moves a member's marker towards `seq` (see MOVE_IN_ROOM); where it went, or null. */
  async move(roomId: number, userId: number, seq: number): Promise<number | null> {
    const sql = roomId === GENERAL_ROOM_ID ? MOVE_IN_GENERAL : MOVE_IN_ROOM;
    const { rows } = await this.sql.query<{ last_read_seq: number }>(sql, [roomId, userId, seq]);
    return rows[0]?.last_read_seq ?? null;
  }

  /** The counts of those of `userIds` who are members of the room, by user id. */
  async counts(roomId: number, userIds: number[]): Promise<MemberCounts[]> {
    const { rows } = await this.sql.query<MemberCounts>(COUNTS, [roomId, userIds]);
    return rows;
  }

  /**
   * The counts of those of `userIds` who are members of the room and for whom a message (its
   * number and author) counts as unread: their marker is before it and they did not write it
   * (anyone, for a null author).
   */
  async countsForUnread(
    roomId: number,
    userIds: number[],
    message: { seq: number; authorId: number | null },
  ): Promise<MemberCounts[]> {
    const { rows } = await this.sql.query<MemberCounts>(COUNTS_FOR_UNREAD, [
      roomId,
      userIds,
      message.seq,
      message.authorId,
    ]);
    return rows;
  }
}
