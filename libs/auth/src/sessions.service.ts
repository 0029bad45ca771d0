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
  }

  onModuleDestroy(): void {
    clearInterval(this.pruneTimer);
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
      const session = await this.checks.load(sessionId);
      user = session && { id: session.userId, role: session.role, sessionId };
      this.cache.set(sessionId, user, session?.expiresAt);
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
