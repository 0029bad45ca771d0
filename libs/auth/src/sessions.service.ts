import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Not, Repository } from 'typeorm';
import { EventBus } from '@chat/events';
import { Role } from '@chat/roles';
import { AuthUser } from './auth-user';
import { Session } from './session.entity';

/** How long this instance trusts a session check; the contract allows revocation to take 5 s. */
const SESSION_CACHE_TTL_MS = 5_000;
const CACHE_SWEEP_SIZE = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface TokenClaims {
  sub?: unknown;
  sid?: unknown;
}

interface CacheEntry {
  user: AuthUser | null;
  expiresAt: number;
}

@Injectable()
export class SessionsService implements OnModuleDestroy {
  private readonly cache = new Map<string, CacheEntry>();
  private readonly unsubscribe: () => void;

  constructor(
    @InjectRepository(Session) private readonly sessions: Repository<Session>,
    private readonly events: EventBus,
  ) {
    // Revocations on any instance reach this one's cache through the bus (the TTL bounds the rest).
    this.unsubscribe = events.subscribe((event) => {
      if (event.type === 'sessions.revoked') {
        for (const id of event.sessionIds) this.cache.delete(id);
      }
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe();
  }

  async create(userId: number): Promise<string> {
    const session = await this.sessions.save(this.sessions.create({ userId }));
    return session.id;
  }

  /**
   * The caller behind a live session of `userId`, or null when the session is revoked, unknown or
   * its user deleted. Answers from a per-instance cache for at most SESSION_CACHE_TTL_MS.
   */
  async resolve(sessionId: string, userId: number): Promise<AuthUser | null> {
    if (!UUID.test(sessionId)) return null;
    const now = Date.now();
    const cached = this.cache.get(sessionId);
    let user: AuthUser | null;
    if (cached && cached.expiresAt > now) {
      user = cached.user;
    } else {
      user = await this.load(sessionId);
      this.remember(sessionId, user, now);
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
  private async load(sessionId: string): Promise<AuthUser | null> {
    // The users table is joined by name rather than through the Users module, which depends on
    // this one; the foreign key makes the join safe.
    const [rows] = (await this.sessions.query(
      `UPDATE sessions s SET last_seen_at = now()
         FROM users u
        WHERE s.id = $1 AND s.revoked_at IS NULL AND u.id = s.user_id AND u.deleted_at IS NULL
        RETURNING s.user_id, u.role`,
      [sessionId],
    )) as [{ user_id: number; role: Role }[], number];
    const row = rows[0];
    return row ? { id: row.user_id, role: row.role, sessionId } : null;
  }

  private remember(sessionId: string, user: AuthUser | null, now: number): void {
    if (this.cache.size >= CACHE_SWEEP_SIZE) {
      for (const [key, entry] of this.cache) if (entry.expiresAt <= now) this.cache.delete(key);
      // Still full of live entries: forget the oldest; it is simply looked up again.
      if (this.cache.size >= CACHE_SWEEP_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    this.cache.set(sessionId, { user, expiresAt: now + SESSION_CACHE_TTL_MS });
  }
}
