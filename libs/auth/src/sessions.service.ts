import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import DataLoader from 'dataloader';
import { AppConfig } from '@chat/config';
import { EventBus } from '@chat/events';
import { AuthUser } from './auth-user';
import { SessionCache } from './session-cache';
import { LiveSession, SessionsRepository } from './sessions.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const PRUNE_INTERVAL_MS = 3_600_000;
/** Revoked rows are kept this long (for anyone looking into a logout), then pruned. */
const REVOKED_KEPT_SECONDS = 86_400;
const PRUNE_BATCH = 5_000;
const PRUNE_MAX_BATCHES = 100;
/** The most session checks that go to the database in one statement. */
const CHECK_BATCH = 500;
/**
 * How often the checks of sessions in use that are due (SessionCache.claimInUse) are made again,
 * together: nobody waits on them, and they are due half the cache's TTL (2.5 s) before the checks
 * they replace lapse.
 */
const REFRESH_EVERY_MS = 500;

export interface TokenClaims {
  sub?: unknown;
  sid?: unknown;
}

@Injectable()
export class SessionsService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(SessionsService.name);
  private readonly cache = new SessionCache();
  /**
   * The checks that miss the cache in one event-loop turn (the frames of every socket read in it)
   * go to the database together. Sockets that sign in together (a reconnect wave) have their
   * checks expire together, and one by one they took a round trip each from the pool that the
   * inserts of messages wait on (one by one: 17,900 statements in three rooms bench steps of 5,000
   * sign-ins; in batches: 5,700 in six).
   */
  private readonly checks: DataLoader<string, LiveSession | null>;
  private readonly unsubscribe: () => void;
  private pruneTimer?: NodeJS.Timeout;
  /**
   * Makes the checks of sessions in use again before they lapse (see refreshInUse). A socket that
   * sends now and then would otherwise wait on a round trip whenever its check had lapsed, and
   * the sockets of a sign-in wave all at once: 5 s after 5,000 bench sockets signed in, a burst of
   * 15 such statements took 20 to 30 ms each, holding the frames and, in the pool, the inserts of
   * messages.
   */
  private refreshTimer?: NodeJS.Timeout;
  private refreshing = false;
  private stopped = false;

  constructor(
    private readonly sessions: SessionsRepository,
    private readonly events: EventBus,
    private readonly config: AppConfig,
  ) {
    this.checks = new DataLoader((ids) => this.sessions.touchLive(ids), {
      cache: false,
      maxBatchSize: CHECK_BATCH,
      batchScheduleFn: (dispatch) => setImmediate(dispatch),
    });
    // Revocations on any instance reach this one's cache through the bus (the TTL bounds the rest).
    this.unsubscribe = events.subscribe((event) => {
      if (event.type === 'sessions.revoked') this.cache.delete(event.sessionIds);
    });
  }

  onApplicationBootstrap(): void {
    this.pruneTimer = setInterval(() => {
      this.prune().catch((error: Error) =>
        this.logger.warn(`Pruning old sessions failed: ${error.message}`),
      );
    }, PRUNE_INTERVAL_MS).unref();
    this.refreshTimer = setInterval(() => void this.refreshInUse(), REFRESH_EVERY_MS).unref();
  }

  onModuleDestroy(): void {
    this.stopped = true;
    clearInterval(this.pruneTimer);
    clearInterval(this.refreshTimer);
    this.unsubscribe();
  }

  /**
   * A new session ending after `lifetimeSeconds` (by default when the token issued with it does:
   * JWT_TTL), on the database clock.
   */
  create(userId: number, lifetimeSeconds = this.config.jwtTtlSeconds): Promise<string> {
    return this.sessions.insert(userId, lifetimeSeconds);
  }

  /**
   * Deletes expired sessions and those revoked over a day ago, in bounded batches. Instances may
   * run it at the same time.
   */
  async prune(): Promise<number> {
    let pruned = 0;
    for (let batch = 0; batch < PRUNE_MAX_BATCHES; batch++) {
      const deleted = await this.sessions.deleteEnded(REVOKED_KEPT_SECONDS, PRUNE_BATCH);
      pruned += deleted;
      if (deleted < PRUNE_BATCH) break;
    }
    return pruned;
  }

  /**
   * The caller behind a live session of `userId`, or null when the session is revoked, expired,
   * unknown or its user deleted. Answers from this instance's SessionCache when it can.
   */
  async resolve(sessionId: string, userId: number): Promise<AuthUser | null> {
    if (!UUID.test(sessionId)) return null;
    let user = this.cache.get(sessionId);
    if (user === undefined) {
      let forgotten = this.cache.forgotten;
      let readAt = this.cache.now();
      let session = await this.checks.load(sessionId);
      if (this.cache.forgotten !== forgotten) {
        // It may have been read before a revocation heard meanwhile (published once committed):
        // read again, after it.
        forgotten = this.cache.forgotten;
        readAt = this.cache.now();
        session = await this.checks.load(sessionId);
      }
      user = callerOf(session, sessionId);
      if (this.cache.forgotten === forgotten) {
        this.cache.set(sessionId, user, session?.expiresAt, readAt);
      }
    }
    return user?.id === userId ? user : null;
  }

  /**
   * Makes the due checks of sessions in use again (SessionCache.claimInUse), CHECK_BATCH to a
   * statement, one round at a time. Never rejects: a failed statement is logged once a round, and
   * its cached checks lapse at their TTL and are then made as misses; the round goes on with the
   * next statement.
   */
  private async refreshInUse(): Promise<void> {
    if (this.refreshing) return;
    this.refreshing = true;
    let failed = 0;
    let failure: unknown;
    try {
      const claims = this.cache.claimInUse();
      for (let from = 0; from < claims.length && !this.stopped; from += CHECK_BATCH) {
        const batch = claims.slice(from, from + CHECK_BATCH);
        try {
          const readAt = this.cache.now();
          const sessions = await this.sessions.touchLive(batch.map(([sessionId]) => sessionId));
          batch.forEach(([sessionId, claim], i) =>
            this.cache.refresh(
              sessionId,
              claim,
              callerOf(sessions[i], sessionId),
              sessions[i]?.expiresAt,
              readAt,
            ),
          );
        } catch (error) {
          failed += batch.length;
          failure = error;
        }
      }
    } finally {
      this.refreshing = false;
    }
    // After a shutdown the pool is gone; there is nothing to tell.
    if (failed > 0 && !this.stopped) {
      const reason = failure instanceof Error ? failure.message : String(failure);
      this.logger.warn(`Checking ${failed} sessions in use failed: ${reason}`);
    }
  }

  /** The caller a verified token's claims name (`sub` user id, `sid` session), or null. */
  resolveClaims(claims: TokenClaims): Promise<AuthUser | null> {
    const userId = Number(claims.sub);
    if (!Number.isSafeInteger(userId) || typeof claims.sid !== 'string')
      return Promise.resolve(null);
    return this.resolve(claims.sid, userId);
  }

  /**
   * Which of the sessions have ended (revoked, expired, their account deleted), read from the
   * database, their cached checks forgotten: for when revocations may have been missed, as while
   * this instance's link to the others was down.
   */
  async endedAmong(sessionIds: string[]): Promise<string[]> {
    if (sessionIds.length === 0) return [];
    this.cache.delete(sessionIds);
    const live = await this.sessions.liveAmong(sessionIds);
    return sessionIds.filter((id) => !live.has(id));
  }

  async revoke(sessionId: string): Promise<void> {
    await this.sessions.revoke(sessionId);
    this.events.publish({ type: 'sessions.revoked', sessionIds: [sessionId] });
  }

  /** Revokes every live session of the user, except `keep` when given. */
  async revokeAllForUser(userId: number, keep?: string): Promise<void> {
    const sessionIds = await this.sessions.revokeAllOfUser(userId, keep);
    if (sessionIds.length > 0) this.events.publish({ type: 'sessions.revoked', sessionIds });
  }
}

function callerOf(session: LiveSession | null, sessionId: string): AuthUser | null {
  return session && { id: session.userId, role: session.role, sessionId };
}
