import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { AppConfig } from '@chat/config';
import { EventBus } from '@chat/events';
import { Role } from '@chat/roles';
import { AuthUser } from './auth-user';
import { Session } from './session.entity';

/** How long this instance trusts a session check; the contract allows revocation to take 5 s. */
const SESSION_CACHE_TTL_MS = 5_000;
const CACHE_SWEEP_SIZE = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRUNE_INTERVAL_MS = 3_600_000;
/** Revoked rows are kept this long (for anyone looking into a logout), then pruned. */
const REVOKED_KEPT_SECONDS = 86_400;
const PRUNE_BATCH = 5_000;
const PRUNE_MAX_BATCHES = 100;

export interface TokenClaims {
  sub?: unknown;
  sid?: unknown;
}

interface CacheEntry {
  user: AuthUser | null;
  expiresAt: number;
}

@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionsService.name);
  private readonly cache = new Map<string, CacheEntry>();
  private readonly unsubscribe: () => void;
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {
    // Revocations on any instance reach this one's cache through the bus (the TTL bounds the rest).
    this.unsubscribe = events.subscribe((event) => {
      if (event.type === 'sessions.revoked') {
        for (const id of event.sessionIds) this.cache.delete(id);
      }
    });
  }

  onApplicationBootstrap(): void {
    this.pruneTimer = setInterval(() => {
      this.prune().catch((error: Error) =>
        this.logger.warn(`Pruning old sessions failed: ${error.message}`),
      );
    }, PRUNE_INTERVAL_MS).unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
    this.unsubscribe();
  }

  /**
   * A new session ending after `lifetimeSeconds` (by default when the token issued with it does:
   * JWT_TTL), on the database clock.
   */
  async create(userId: number, lifetimeSeconds = this.config.jwtTtlSeconds): Promise<string> {
    const [row] = (await this.sessions.query(
      `INSERT INTO sessions (user_id, expires_at) VALUES ($1, now() + $2 * interval '1 second')
       RETURNING id`,
      [userId, lifetimeSeconds],
    )) as { id: string }[];
    return row.id;
  }

  /**
   * Deletes expired sessions and those revoked over a day ago, in bounded batches. Instances may
   * run it at the same time: each skips the rows another is deleting.
   */
  async prune(): Promise<number> {
    let pruned = 0;
    for (let batch = 0; batch < PRUNE_MAX_BATCHES; batch++) {
      const [, deleted] = (await this.sessions.query(
        `DELETE FROM sessions WHERE id IN (
           SELECT id FROM sessions
            WHERE expires_at <= now() OR revoked_at <= now() - $1 * interval '1 second'
            LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [REVOKED_KEPT_SECONDS, PRUNE_BATCH],
      )) as [unknown, number];
      pruned += deleted;
      if (deleted < PRUNE_BATCH) break;
    }
    return pruned;
  }

  /**
   * The caller behind a live session of `userId`, or null when the session is revoked, expired,
   * unknown or its user deleted. Answers from a per-instance cache for at most
   * SESSION_CACHE_TTL_MS, and never past the session's expiry.
   */
  async resolve(sessionId: string, userId: number): Promise<AuthUser | null> {
    if (!UUID.test(sessionId)) return null;
    const now = Date.now();
    const cached = this.cache.get(sessionId);
    let user: AuthUser | null;
    if (cached && cached.expiresAt > now) {
      user = cached.user;
    } else {
      const loaded = await this.load(sessionId);
      user = loaded?.user ?? null;
      this.remember(
        sessionId,
        user,
        Math.min(now + SESSION_CACHE_TTL_MS, loaded?.expiresAt ?? now + SESSION_CACHE_TTL_MS),
      );
    }
    return user?.id === userId ? user : null;
  }

  /** The caller a verified token's claims name (`sub` user id, `sid` session), or null. */
  resolveClaims(claims: TokenClaims): Promise<AuthUser | null> {
    const userId = Number(claims.sub);
    if (!Number.isSafeInteger(userId) || typeof claims.sid !== 'string')
      return Promise.resolve(null);
    return this.resolve(claims.sid, userId);
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.update(
      { id: sessionId, revokedAt: IsNull() },
      { revokedAt: () => 'now()' },
    );
    this.events.publish({ type: 'sessions.revoked', sessionIds: [sessionId] });
  }

  /** Revokes every live session of the user, except `keep` when given. */
  async revokeAllForUser(userId: number, keep?: string): Promise<void> {
    const revoked = await this.sessions
      .createQueryBuilder()
      .update()
      .set({ revokedAt: () => 'now()' })
      .where({ userId, revokedAt: IsNull(), ...(keep ? { id: Not(keep) } : {}) })
      .returning('id')
      .execute();
    const sessionIds = (revoked.raw as { id: string }[]).map((row) => row.id);
    if (sessionIds.length > 0) this.events.publish({ type: 'sessions.revoked', sessionIds });
  }

  /** One round trip: checks the session and its user, and records that the session was seen. */
  private async load(sessionId: string): Promise<{ user: AuthUser; expiresAt: number } | null> {
    // The users table is joined by name rather than through the Users module, which depends on
    // this one; the foreign key makes the join safe.
    const [rows] = (await this.sessions.query(
      `UPDATE sessions s SET last_seen_at = now()
         FROM users u
        WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND u.id = s.user_id AND u.deleted_at IS NULL
        RETURNING s.user_id, u.role, s.expires_at`,
      [sessionId],
    )) as [{ user_id: number; role: Role; expires_at: Date }[], number];
    const row = rows[0];
    if (!row) return null;
    return {
      user: { id: row.user_id, role: row.role, sessionId },
      expiresAt: row.expires_at.getTime(),
    };
  }

  /** Caches a check until `until` (a time in ms). */
  private remember(sessionId: string, user: AuthUser | null, until: number): void {
    if (this.cache.size >= CACHE_SWEEP_SIZE) {
      const now = Date.now();
      for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
      // Still full of live entries: forget the oldest; it is simply looked up again.
      if (this.cache.size >= CACHE_SWEEP_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(sessionId, { user, expiresAt: until });
  }
}
