import { Injectable } from '@nestjs/common';
import { PreparedStatements } from '@chat/database';
import { Role } from '@chat/roles';

/** A live session and the role of its live user. */
export interface LiveSession {
  userId: number;
  role: Role;
  /** When the session ends (ms since the epoch). */
  expiresAt: number;
}

/** How often a session's last_seen_at moves on, at most. */
export const SEEN_EVERY_SECONDS = 60;

const INSERT = `
  INSERT INTO sessions (user_id, expires_at) VALUES ($1, now() + $2 * interval '1 second')
  RETURNING id`;

/**
 * The session checks of one batch (see SessionsService), one round trip: the users table is joined
 * here, by name, rather than asked through the Users module (which depends on this one); the
 * foreign key makes the join safe. Each session and its user are looked up by key, whatever the
 * planner's statistics say (a join let it scan every user for one session). A live session of a
 * deleted user finds nothing. That it was seen is recorded at most once a minute: a check that
 * writes nothing commits without a WAL flush, and a busy user's socket is checked every few
 * seconds. The record is skipped for a row another check holds (it records the same), so batches
 * that share sessions never wait on each other.
 */
const TOUCH_LIVE = `
  WITH live AS (
    SELECT s.id, s.user_id, u.role, s.expires_at, s.last_seen_at
      FROM unnest($1::uuid[]) AS asked(id)
      CROSS JOIN LATERAL (SELECT * FROM sessions WHERE id = asked.id LIMIT 1) s
      CROSS JOIN LATERAL (SELECT role, deleted_at FROM users WHERE id = s.user_id LIMIT 1) u
     WHERE s.revoked_at IS NULL AND s.expires_at > now() AND u.deleted_at IS NULL),
  touched AS (
    UPDATE sessions s SET last_seen_at = now()
     WHERE s.id IN (SELECT t.id FROM sessions t JOIN live ON live.id = t.id
                     WHERE live.last_seen_at < now() - interval '${SEEN_EVERY_SECONDS} seconds'
                       FOR UPDATE OF t SKIP LOCKED))
  SELECT id, user_id, role, expires_at FROM live`;

/** Which of the sessions are still live (of a live account), without touching them. */
const LIVE_AMONG = `
  SELECT s.id FROM sessions s JOIN users u ON u.id = s.user_id
   WHERE s.id = ANY($1::uuid[]) AND s.revoked_at IS NULL AND s.expires_at > now()
     AND u.deleted_at IS NULL`;

const REVOKE = `UPDATE sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`;

const REVOKE_ALL_OF_USER = `
  UPDATE sessions SET revoked_at = now()
   WHERE user_id = $1 AND revoked_at IS NULL AND ($2::uuid IS NULL OR id <> $2::uuid)
  RETURNING id`;

/** Instances pruning at the same time each skip the rows another is deleting. */
const DELETE_ENDED = `
  DELETE FROM sessions WHERE id IN (
    SELECT id FROM sessions
     WHERE expires_at <= now() OR revoked_at <= now() - $1 * interval '1 second'
     LIMIT $2 FOR UPDATE SKIP LOCKED)`;

/**
 * The sessions table. Every statement is a fixed one through PreparedStatements: the check runs on
 * the hot path, and all of them compute times on the database clock.
 */
@Injectable()
export class SessionsRepository {
  constructor(private readonly sql: PreparedStatements) {}

  /** A new session of `userId` ending `lifetimeSeconds` from now; its id. */
  async insert(userId: number, lifetimeSeconds: number): Promise<string> {
    const { rows } = await this.sql.query<{ id: string }>(INSERT, [userId, lifetimeSeconds]);
    return rows[0].id;
  }

  /**
   * Each session, in the order given, if it is live (neither revoked nor expired) and its user
   * too, recording that it was seen (when last recorded over SEEN_EVERY_SECONDS ago); null
   * otherwise. Every id must be a UUID.
   */
  async touchLive(sessionIds: readonly string[]): Promise<(LiveSession | null)[]> {
    const { rows } = await this.sql.query<{
      id: string;
      user_id: number;
      role: Role;
      expires_at: Date;
    }>(TOUCH_LIVE, [sessionIds]);
    const live = new Map(rows.map((row) => [row.id, row]));
    return sessionIds.map((id) => {
      const row = live.get(id.toLowerCase());
      return row
        ? { userId: row.user_id, role: row.role, expiresAt: row.expires_at.getTime() }
        : null;
    });
  }

  async liveAmong(sessionIds: string[]): Promise<Set<string>> {
    const { rows } = await this.sql.query<{ id: string }>(LIVE_AMONG, [sessionIds]);
    return new Set(rows.map((row) => row.id));
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sql.query(REVOKE, [sessionId]);
  }

  /** Revokes every live session of the user except `keep`; the ids revoked. */
  async revokeAllOfUser(userId: number, keep?: string): Promise<string[]> {
    const { rows } = await this.sql.query<{ id: string }>(REVOKE_ALL_OF_USER, [
      userId,
      keep || null,
    ]);
    return rows.map((row) => row.id);
  }

  /**
   * Deletes up to `limit` sessions that have expired or were revoked over `revokedKeptSeconds`
   * ago; how many.
   */
  async deleteEnded(revokedKeptSeconds: number, limit: number): Promise<number> {
    const { rowCount } = await this.sql.query(DELETE_ENDED, [revokedKeptSeconds, limit]);
    return rowCount ?? 0;
  }
}
