import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { PreparedStatements } from '@chat/database';
import { GENERAL_ROOM_ID } from './general-room';
import { RoomRole } from './room-membership.entity';
import { DirectoryRoom, MyRoom, RoomSummary, RoomView } from './room-views';
import { Sql } from './transaction-runner.service';
import { unreadCountsSql } from './unread-counts-sql';

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * RoomSummary of `rooms r`. Everyone is in the general room, which has no member rows; accounts
 * deleted since they joined are not counted. Another room's members are counted from its member
 * rows, each account looked up by key whatever the planner's statistics say: without them (a
 * young table, autovacuum off or behind) PostgreSQL took users for a few rows and looped over
 * every user for each room counted, 5 to 10 ms a room at 5,000 users, at each wave of sign-ins.
 */
const SUMMARY = `
  r.id, r.kind, r.name, r.topic,
  to_char(r.created_at AT TIME ZONE 'UTC', ${ISO_UTC}) AS created_at,
  (CASE WHEN r.id = ${GENERAL_ROOM_ID}
        THEN (SELECT count(*) FROM users WHERE deleted_at IS NULL)
        ELSE (SELECT count(*) FROM room_members c
                CROSS JOIN LATERAL (SELECT deleted_at FROM users WHERE id = c.user_id LIMIT 1) cu
               WHERE c.room_id = r.id AND cu.deleted_at IS NULL)
   END)::int AS member_count,
  r.last_seq::float8 AS last_seq, r.archived_at IS NOT NULL AS archived`;

/** The other member of a direct room for the reader `$reader`, deleted or not; null otherwise. */
const peerOf = (reader: string) => `
  CASE WHEN r.kind = 'direct' THEN (
    SELECT json_build_object('user_id', pu.id, 'name', pu.name, 'role', pu.role,
                             'user_avatar', pu.avatar)
      FROM room_members p JOIN users pu ON pu.id = p.user_id
     WHERE p.room_id = r.id AND p.user_id <> ${reader}
     ORDER BY p.user_id LIMIT 1)
  END AS peer`;

/**
 * The v2 message shape of `messages lm JOIN users lu`. The same as roomMessageJsonSql in
 * libs/messages, which this library cannot import (messages imports rooms).
 */
const lastMessageJson = (timeZone: string) => `json_build_object(
    'message_id', lm.id, 'user_id', lm.user_id, 'name', lu.name, 'role', lu.role,
    'user_avatar', lu.avatar, 'message', lm.text,
    'time_send', to_char(lm.created_at AT TIME ZONE ${timeZone}, 'HH24:MI:SS'),
    'created_at', to_char(lm.created_at AT TIME ZONE 'UTC', ${ISO_UTC}),
    'edited', lm.edited_at IS NOT NULL,
    'room_id', lm.room_id, 'seq', lm.seq,
    'edited_at', to_char(lm.edited_at AT TIME ZONE 'UTC', ${ISO_UTC}), 'mentions', lm.mentions)`;

const ACCESS = `
  SELECT r.kind, r.archived_at IS NOT NULL AS archived, m.role AS room_role
    FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = $2
   WHERE r.id = $1`;

/**
 * Each user's rooms, for the users of a batch. The general room is the lowest id, so it comes
 * first. Each user's member rows are read first (their user_id index) and the rooms then by id:
 * every socket's sign-in runs this, and a join left to the planner scanned all rooms when their
 * statistics were missing or old.
 */
const ROOMS_OF = `
  SELECT u.user_id, r.id AS room_id, r.last_seq::float8 AS last_seq
    FROM unnest($1::integer[]) AS u (user_id)
   CROSS JOIN LATERAL (
         SELECT id, last_seq FROM rooms
          WHERE id = ${GENERAL_ROOM_ID}
             OR id = ANY (ARRAY(SELECT room_id FROM room_members WHERE user_id = u.user_id))) r
   ORDER BY u.user_id, r.id`;

const SUMMARY_BY_ID = `SELECT ${SUMMARY} FROM rooms r WHERE r.id = $1`;

const SUMMARIES = `SELECT ${SUMMARY} FROM rooms r WHERE r.id = ANY($1::int[])`;

const VIEW = `
  SELECT ${SUMMARY},
         CASE WHEN r.id = ${GENERAL_ROOM_ID} THEN 'member' ELSE m.role END AS room_role,
         ${peerOf('$2')}
    FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = $2
   WHERE r.id = $1`;

/**
 * The reader's rooms from their member rows (and the general room): no scan of all rooms. Each
 * with the reader's marker and counts (unreadCountsSql), in the same snapshot as its last_seq, so
 * the counts are exact as of that number.
 */
const MINE = `
  SELECT ${SUMMARY}, mine.role AS room_role, ${peerOf('$1')}, last.message AS last_message,
         ${unreadCountsSql('r.id', '$1', 'mine.last_read_seq')},
         mine.last_read_seq::float8 AS last_read_seq
    FROM (SELECT ${GENERAL_ROOM_ID} AS room_id, 'member'::varchar AS role,
                 coalesce((SELECT last_read_seq FROM general_read_markers WHERE user_id = $1), 0)
                   AS last_read_seq
          UNION ALL
          SELECT room_id, role, last_read_seq FROM room_members
           WHERE user_id = $1 AND room_id <> ${GENERAL_ROOM_ID}) mine
    JOIN rooms r ON r.id = mine.room_id
    LEFT JOIN LATERAL (
      SELECT ${lastMessageJson('$2')} AS message
        FROM messages lm JOIN users lu ON lu.id = lm.user_id
       WHERE lm.room_id = r.id
       ORDER BY lm.seq DESC LIMIT 1) last ON true
   ORDER BY r.id`;

/**
 * Public rooms open to join, by lower(name) then id (the index rooms_public_name_idx), after the
 * cursor ($3, $4), whose lower(name) matches the LIKE pattern $2.
 */
const DIRECTORY = `
  SELECT ${SUMMARY},
         (r.id = ${GENERAL_ROOM_ID} OR EXISTS (
            SELECT 1 FROM room_members j WHERE j.room_id = r.id AND j.user_id = $1)) AS joined,
         lower(r.name) AS sort_name
    FROM rooms r
   WHERE r.kind = 'public' AND r.archived_at IS NULL
     AND lower(r.name) LIKE lower($2)
     AND (lower(r.name), r.id) > ($3::text, $4::integer)
   ORDER BY lower(r.name), r.id
   LIMIT $5`;

const LOCK = `
  SELECT kind, archived_at IS NOT NULL AS archived FROM rooms WHERE id = $1 FOR NO KEY UPDATE`;

const INSERT = `
  INSERT INTO rooms (kind, name, topic, created_by) VALUES ($1, $2, $3, $4) RETURNING id`;

/** The unique dm_key keeps one direct room per pair even if two requests race past the lock. */
const INSERT_DIRECT = `
  INSERT INTO rooms (kind, created_by, dm_key) VALUES ('direct', $1, $2)
  ON CONFLICT (dm_key) DO NOTHING RETURNING id`;

const FIND_DIRECT = `SELECT id FROM rooms WHERE dm_key = $1`;

/** Direct rooms are not counted: ROOMS_PER_USER bounds them. */
const COUNT_CREATED_SINCE = `
  SELECT count(*)::int AS count FROM rooms
   WHERE created_by = $1 AND kind <> 'direct' AND created_at > now() - make_interval(secs => $2)`;

const UPDATE = `
  UPDATE rooms SET name = coalesce($2, name), topic = coalesce($3, topic) WHERE id = $1`;

const ARCHIVE = `
  UPDATE rooms SET archived_at = now() WHERE id = $1 AND archived_at IS NULL RETURNING id`;

/** A room and its newest number. */
export interface RoomNumber {
  room_id: number;
  last_seq: number;
}

export interface RoomAccessRow {
  kind: RoomSummary['kind'];
  archived: boolean;
  room_role: RoomRole | null;
}

export interface LockedRoom {
  kind: RoomSummary['kind'];
  archived: boolean;
}

type DirectoryRow = DirectoryRoom & { sort_name: string };

/** The rooms table. */
@Injectable()
export class RoomsRepository {
  private readonly timeZone: string;
  private readonly sql: Sql;

  constructor(prepared: PreparedStatements, config: AppConfig) {
    this.timeZone = config.timeZone;
    this.sql = async <Row>(text: string, parameters: unknown[]) =>
      (await prepared.query(text, parameters)).rows as Row[];
  }

  /** A room's kind and state, and `userId`'s member row in it; null when there is no such room. */
  async access(roomId: number, userId: number): Promise<RoomAccessRow | null> {
    const [row] = await this.sql<RoomAccessRow>(ACCESS, [roomId, userId]);
    return row ?? null;
  }

  /**
   * For each of `userIds`, the general room and every room they have a member row in, with their
   * newest numbers, in id order.
   */
  async roomsOf(userIds: readonly number[]): Promise<Map<number, RoomNumber[]>> {
    const rows = await this.sql<RoomNumber & { user_id: number }>(ROOMS_OF, [
      [...new Set(userIds)],
    ]);
    const rooms = new Map<number, RoomNumber[]>();
    for (const { user_id, room_id, last_seq } of rows) {
      const list = rooms.get(user_id);
      if (list) list.push({ room_id, last_seq });
      else rooms.set(user_id, [{ room_id, last_seq }]);
    }
    return rooms;
  }

  /** Each room's member count, for those of `roomIds` that exist. */
  async memberCounts(roomIds: number[]): Promise<Map<number, number>> {
    const rows = await this.sql<RoomSummary>(SUMMARIES, [roomIds]);
    return new Map(rows.map((room) => [room.id, room.member_count]));
  }

  async summary(roomId: number, sql: Sql = this.sql): Promise<RoomSummary | null> {
    const [row] = await sql<RoomSummary>(SUMMARY_BY_ID, [roomId]);
    return row ?? null;
  }

  /** The room as `readerId` sees it (whether or not they may). */
  async view(roomId: number, readerId: number): Promise<RoomView | null> {
    const [row] = await this.sql<RoomView>(VIEW, [roomId, readerId]);
    return row ?? null;
  }

  /** The general room and the reader's rooms, in id order, each with its newest message. */
  mine(readerId: number): Promise<MyRoom[]> {
    return this.sql(MINE, [readerId, this.timeZone]);
  }

  /** Up to `limit` open public rooms after `after`, whose lowered name matches `pattern`. */
  async directory(
    readerId: number,
    pattern: string,
    after: { sortName: string; id: number },
    limit: number,
  ): Promise<{ room: DirectoryRoom; sortName: string }[]> {
    const rows = await this.sql<DirectoryRow>(DIRECTORY, [
      readerId,
      pattern,
      after.sortName,
      after.id,
      limit,
    ]);
    return rows.map(({ sort_name, ...room }) => ({ room, sortName: sort_name }));
  }

  /** Locks the room's row to the transaction's end; null when there is no such room. */
  async lock(sql: Sql, roomId: number): Promise<LockedRoom | null> {
    const [row] = await sql<LockedRoom>(LOCK, [roomId]);
    return row ?? null;
  }

  async insert(
    sql: Sql,
    room: { kind: 'public' | 'private'; name: string; topic: string; createdBy: number },
  ): Promise<number> {
    const [row] = await sql<{ id: number }>(INSERT, [
      room.kind,
      room.name,
      room.topic,
      room.createdBy,
    ]);
    return row.id;
  }

  /** A new direct room under `dmKey`; null when one already has it. */
  async insertDirect(sql: Sql, dmKey: string, createdBy: number): Promise<number | null> {
    const [row] = await sql<{ id: number }>(INSERT_DIRECT, [createdBy, dmKey]);
    return row?.id ?? null;
  }

  async findDirect(sql: Sql, dmKey: string): Promise<number | null> {
    const [row] = await sql<{ id: number }>(FIND_DIRECT, [dmKey]);
    return row?.id ?? null;
  }

  /** Public and private rooms `userId` created in the last `seconds`. */
  async countCreatedSince(sql: Sql, userId: number, seconds: number): Promise<number> {
    const [row] = await sql<{ count: number }>(COUNT_CREATED_SINCE, [userId, seconds]);
    return row.count;
  }

  /** Sets the name and/or topic given (null keeps one). */
  async update(
    sql: Sql,
    roomId: number,
    changes: { name: string | null; topic: string | null },
  ): Promise<void> {
    await sql(UPDATE, [roomId, changes.name, changes.topic]);
  }

  /** Archives an open room; whether it was open. */
  async archive(sql: Sql, roomId: number): Promise<boolean> {
    const rows = await sql(ARCHIVE, [roomId]);
    return rows.length > 0;
  }
}
