import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '@chat/database';
import { RoomMember } from '@chat/events';
import { RoomRole } from './room-membership.entity';
import { Sql } from './transaction-runner.service';

const MEMBER = `u.id AS user_id, u.name, u.role, u.avatar AS user_avatar`;

/**
 * Serialises the membership changes that add rooms to one user, so a count checked against
 * ROOMS_PER_USER (or ROOMS_CREATED_PER_HOUR) still holds when the transaction commits. Taken
 * before any room row, one user at a time in id order, so two transactions never wait on each
 * other in a cycle.
 */
const LOCK_USER = `SELECT pg_advisory_xact_lock(hashtext('room_members.user_id'), $1)`;

const FIND = `
  SELECT ${MEMBER}, m.role AS room_role
    FROM room_members m JOIN users u ON u.id = m.user_id
   WHERE m.room_id = $1 AND m.user_id = $2 AND u.deleted_at IS NULL`;

/** Everyone live is in the general room, which has no rows. */
const FIND_IN_GENERAL = `
  SELECT ${MEMBER}, 'member' AS room_role FROM users u WHERE u.id = $1 AND u.deleted_at IS NULL`;

/**
 * Adds a live account; no row when there is none or it is in already. A new member has read what
 * the room holds: their read marker starts at its newest number (a trigger: see the migrations).
 */
const INSERT = `
  WITH added AS (
    INSERT INTO room_members (room_id, user_id, role)
    SELECT $1, id, $3 FROM users WHERE id = $2 AND deleted_at IS NULL
    ON CONFLICT DO NOTHING
    RETURNING user_id, role)
  SELECT ${MEMBER}, added.role AS room_role FROM added JOIN users u ON u.id = added.user_id`;

const DELETE = `DELETE FROM room_members WHERE room_id = $1 AND user_id = $2 RETURNING user_id`;

const COUNT_OF_USER = `SELECT count(*)::int AS count FROM room_members WHERE user_id = $1`;

/** A room whose live owners are all gone gets its longest-standing live member as owner. */
const PROMOTE_IF_OWNERLESS = `
  UPDATE room_members SET role = 'owner'
   WHERE room_id = $1
     AND user_id = (SELECT m.user_id FROM room_members m JOIN users u ON u.id = m.user_id
                     WHERE m.room_id = $1 AND u.deleted_at IS NULL
                     ORDER BY m.joined_at, m.user_id LIMIT 1)
     AND NOT EXISTS (SELECT 1 FROM room_members o JOIN users u ON u.id = o.user_id
                      WHERE o.room_id = $1 AND o.role = 'owner' AND u.deleted_at IS NULL)
  RETURNING user_id`;

const LIST = `
  SELECT ${MEMBER}, m.role AS room_role
    FROM room_members m JOIN users u ON u.id = m.user_id
   WHERE m.room_id = $1 AND m.user_id > $2 AND u.deleted_at IS NULL
   ORDER BY m.user_id LIMIT $3`;

const LIST_GENERAL = `
  SELECT ${MEMBER}, 'member' AS room_role FROM users u
   WHERE u.id > $1 AND u.deleted_at IS NULL
   ORDER BY u.id LIMIT $2`;

/** The room_members table (and, for the general room, the live accounts it stands for). */
@Injectable()
export class RoomMembersRepository {
  private readonly sql: Sql;

  constructor(prepared: PreparedStatements) {
    this.sql = async <Row>(text: string, parameters: unknown[]) =>
      (await prepared.query(text, parameters)).rows as Row[];
  }

  /** Holds `userIds`' membership counts still until the transaction ends (see LOCK_USER). */
  async lockUsers(sql: Sql, userIds: number[]): Promise<void> {
    for (const userId of [...new Set(userIds)].sort((a, b) => a - b)) {
      await sql(LOCK_USER, [userId]);
    }
  }

  /** A live member of a room (every live account, in the general room); null for anyone else. */
  async find(
    roomId: number,
    userId: number,
    options: { general: boolean; sql?: Sql },
  ): Promise<RoomMember | null> {
    const sql = options.sql ?? this.sql;
    const [row] = options.general
      ? await sql<RoomMember>(FIND_IN_GENERAL, [userId])
      : await sql<RoomMember>(FIND, [roomId, userId]);
    return row ?? null;
  }

  /** Adds a live account with `role`; null when there is no such account or it is in already. */
  async insert(
    sql: Sql,
    roomId: number,
    userId: number,
    role: RoomRole,
  ): Promise<RoomMember | null> {
    const [row] = await sql<RoomMember>(INSERT, [roomId, userId, role]);
    return row ?? null;
  }

  /** Whether there was such a member row. */
  async delete(sql: Sql, roomId: number, userId: number): Promise<boolean> {
    return (await sql(DELETE, [roomId, userId])).length > 0;
  }

  /** The rooms `userId` has a row in: every room but the general one. */
  async countOfUser(sql: Sql, userId: number): Promise<number> {
    const [row] = await sql<{ count: number }>(COUNT_OF_USER, [userId]);
    return row.count;
  }

  /** Makes someone owner when no live owner is left; the promoted user, or null. */
  async promoteIfOwnerless(sql: Sql, roomId: number): Promise<number | null> {
    const [row] = await sql<{ user_id: number }>(PROMOTE_IF_OWNERLESS, [roomId]);
    return row?.user_id ?? null;
  }

  /** Up to `limit` live members with ids above `afterId`, in id order. */
  list(
    roomId: number,
    page: { afterId: number; limit: number },
    options: { general: boolean },
  ): Promise<RoomMember[]> {
    return options.general
      ? this.sql(LIST_GENERAL, [page.afterId, page.limit])
      : this.sql(LIST, [roomId, page.afterId, page.limit]);
  }
}
