import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '@chat/database';
import type { MuteView } from '@chat/protocol';

/** A mute in force: everywhere (`room_id` null) or in one room; `until` null for no end. */
export type Mute = MuteView;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const COLUMNS = `id, user_id, room_id, actor_id, reason,
  to_char(until AT TIME ZONE 'UTC', ${ISO}) AS until,
  to_char(created_at AT TIME ZONE 'UTC', ${ISO}) AS created_at`;
const IN_FORCE = `lifted_at IS NULL AND (until IS NULL OR until > now())`;

/** In place of the user's mute not lifted in the same place (in force, or ended by its time). */
const INSERT = `
  INSERT INTO mutes (user_id, room_id, actor_id, reason, until) VALUES ($1, $2, $3, $4, $5)
  ON CONFLICT (user_id, coalesce(room_id, 0)) WHERE lifted_at IS NULL DO UPDATE
    SET actor_id = EXCLUDED.actor_id, reason = EXCLUDED.reason, until = EXCLUDED.until,
        created_at = now()
  RETURNING ${COLUMNS}`;
const IN_FORCE_OF = `SELECT ${COLUMNS} FROM mutes WHERE user_id = $1 AND ${IN_FORCE} ORDER BY id`;
const ALL_IN_FORCE = `SELECT ${COLUMNS} FROM mutes WHERE ${IN_FORCE} ORDER BY id`;
const FIND = `SELECT ${COLUMNS} FROM mutes WHERE id = $1 AND ${IN_FORCE}`;
const LIFT = `
  UPDATE mutes SET lifted_at = now(), lifted_by = $2 WHERE id = $1 AND ${IN_FORCE} RETURNING id`;

@Injectable()
export class MutesRepository {
  constructor(private readonly sql: PreparedStatements) {}

  async insert(
    mute: Pick<Mute, 'user_id' | 'room_id' | 'actor_id' | 'reason'> & { until: Date | null },
  ): Promise<Mute> {
    const { rows } = await this.sql.query<Mute>(INSERT, [
      mute.user_id,
      mute.room_id,
      mute.actor_id,
      mute.reason,
      mute.until,
    ]);
    return rows[0];
  }

  async inForceOf(userId: number): Promise<Mute[]> {
    return (await this.sql.query<Mute>(IN_FORCE_OF, [userId])).rows;
  }

  async allInForce(): Promise<Mute[]> {
    return (await this.sql.query<Mute>(ALL_IN_FORCE, [])).rows;
  }

  async find(id: number): Promise<Mute | null> {
    return (await this.sql.query<Mute>(FIND, [id])).rows[0] ?? null;
  }

  async lift(id: number, actorId: number): Promise<boolean> {
    return (await this.sql.query(LIFT, [id, actorId])).rows.length > 0;
  }
}
