import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '@chat/database';
import type { BanView } from '@chat/protocol';

/** A site ban in force: `until` null for one without an end. */
export type ActiveBan = BanView;

const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const COLUMNS = `user_id, actor_id, reason,
  to_char(until AT TIME ZONE 'UTC', ${ISO}) AS until,
  to_char(created_at AT TIME ZONE 'UTC', ${ISO}) AS created_at`;
const IN_FORCE = `lifted_at IS NULL AND (until IS NULL OR until > now())`;

const ACTIVE = `SELECT ${COLUMNS} FROM bans WHERE user_id = $1 AND ${IN_FORCE}`;

const ALL_ACTIVE = `SELECT ${COLUMNS} FROM bans WHERE ${IN_FORCE} ORDER BY id DESC LIMIT $1`;

/**
 * Stores the ban, in place of the user's ban not lifted (in force, or ended by its time): one row
 * per user not lifted (bans_user_id_unlifted_key), so two bans at once leave the later one. What the
 * previous ban was is kept in the audit log.
 */
const BAN = `
  INSERT INTO bans (user_id, actor_id, reason, until) VALUES ($1, $2, $3, $4)
  ON CONFLICT (user_id) WHERE lifted_at IS NULL DO UPDATE
    SET actor_id = EXCLUDED.actor_id, reason = EXCLUDED.reason, until = EXCLUDED.until,
        created_at = now()
  RETURNING ${COLUMNS}`;

/** Lifts the ban in force; none when the user has none. */
const LIFT = `
  UPDATE bans SET lifted_at = now(), lifted_by = $2
   WHERE user_id = $1 AND ${IN_FORCE}
  RETURNING user_id`;

/**
 * Site bans: a banned user cannot sign in (see UsersService.login). Kept here, with the sessions,
 * because a ban is a refusal to sign in; who may ban whom is moderation's.
 */
@Injectable()
export class BansRepository {
  constructor(private readonly sql: PreparedStatements) {}

  async active(userId: number): Promise<ActiveBan | null> {
    const { rows } = await this.sql.query<ActiveBan>(ACTIVE, [userId]);
    return rows[0] ?? null;
  }

  async allActive(limit: number): Promise<ActiveBan[]> {
    return (await this.sql.query<ActiveBan>(ALL_ACTIVE, [limit])).rows;
  }

  async ban(
    userId: number,
    actorId: number,
    reason: string,
    until: Date | null,
  ): Promise<ActiveBan> {
    const { rows } = await this.sql.query<ActiveBan>(BAN, [userId, actorId, reason, until]);
    return rows[0];
  }

  async lift(userId: number, actorId: number): Promise<boolean> {
    return (await this.sql.query(LIFT, [userId, actorId])).rows.length > 0;
  }
}

/** What a banned user is told, at sign-in and on their sockets. */
export function banDetail(ban: Pick<ActiveBan, 'until' | 'reason'>): string {
  const end = ban.until === null ? 'permanently' : `until ${ban.until}`;
  return `Banned ${end}: ${ban.reason}`;
}
