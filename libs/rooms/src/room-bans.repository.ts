import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '@chat/database';
import { Sql } from './transaction-runner.service';

/** A ban from one room in force: `until` null for one without an end. */
export interface RoomBan {
  actor_id: number;
  reason: string;
  until: string | null;
}

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

const IN_FORCE = `
  SELECT actor_id, reason, to_char(until AT TIME ZONE 'UTC', ${ISO}) AS until
    FROM room_bans
   WHERE room_id = $1 AND user_id = $2 AND (until IS NULL OR until > now())`;

const UPSERT = `
  INSERT INTO room_bans (room_id, user_id, actor_id, reason, until) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (room_id, user_id) DO UPDATE
    SET actor_id = EXCLUDED.actor_id, reason = EXCLUDED.reason, until = EXCLUDED.until,
        created_at = now()`;

const DELETE = `DELETE FROM room_bans WHERE room_id = $1 AND user_id = $2 RETURNING user_id`;

/** Bans from one room (by a kick): the user cannot join it, nor be added, until it ends. */
@Injectable()
export class RoomBansRepository {
  constructor(private readonly statements: PreparedStatements) {}

  async find(roomId: number, userId: number): Promise<RoomBan | null> {
    return (await this.statements.query<RoomBan>(IN_FORCE, [roomId, userId])).rows[0] ?? null;
  }

  async inForce(sql: Sql, roomId: number, userId: number): Promise<RoomBan | null> {
    const [ban] = await sql<RoomBan>(IN_FORCE, [roomId, userId]);
    return ban ?? null;
  }

  async put(
    sql: Sql,
    roomId: number,
    userId: number,
    ban: { actorId: number; reason: string; until: Date | null },
  ): Promise<void> {
    await sql(UPSERT, [roomId, userId, ban.actorId, ban.reason, ban.until]);
  }

  async delete(roomId: number, userId: number): Promise<boolean> {
    return (await this.statements.query(DELETE, [roomId, userId])).rows.length > 0;
  }
}

/** What a user banned from a room is told when they try to join or are added. */
export function roomBanDetail(ban: RoomBan): string {
  const end = ban.until === null ? '' : ` until ${ban.until}`;
  return `Banned from this room${end}: ${ban.reason}`;
}
