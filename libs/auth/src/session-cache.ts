import { AuthUser } from './auth-user';

/** How long an instance trusts a session check; the contract allows revocation to take 5 s. */
export const SESSION_CACHE_TTL_MS = 5_000;
export const SESSION_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  user: AuthUser | null;
  until: number;
  /** From when the check is due again in the background (see claimInUse); Infinity once claimed. */
  refreshAt: number;
  /** When the session was last asked for (see claimInUse); a refresh is no use of it. */
  usedAt: number;
}

/** A claimed check's entry, for `refresh` to tell whether it is still the one remembered. */
export type RefreshClaim = object;

/**
 * This instance's recent session checks, the refused ones too (null): each is trusted for the TTL
 * at most and never past the session's own expiry. A check of a session in use is due again past
 * half its TTL (claimInUse), so it is made again before it lapses. Bounded: once full, expired
 * entries are swept, and if it is still full the oldest entry goes; it is simply checked again.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();
  private forgets = 0;

  constructor(
    /** This cache's clock (ms since the epoch), for the times of reads handed to set and refresh. */
    readonly now: () => number = Date.now,
    private readonly ttlMs = SESSION_CACHE_TTL_MS,
    private readonly maxEntries = SESSION_CACHE_MAX_ENTRIES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The remembered check of a session; undefined when there is none still valid. */
  get(sessionId: string): AuthUser | null | undefined {
    const entry = this.entries.get(sessionId);
    const now = this.now();
    if (!entry || entry.until <= now) return undefined;
    entry.usedAt = now;
    return entry.user;
  }

  /**
   * Remembers a check; `sessionExpiresAt` (ms since the epoch) is when the session itself ends,
   * `readAt` when the check was asked of the database: it is trusted for the TTL from then, however
   * late its answer came.
   */
  set(
    sessionId: string,
    user: AuthUser | null,
    sessionExpiresAt = Infinity,
    readAt = this.now(),
  ): void {
    this.remember(sessionId, user, sessionExpiresAt, readAt, this.now());
  }

  /**
   * The checks to make again, each given once with its claim for `refresh`: those holding a
   * caller, still valid, past half their TTL, unclaimed, of a session asked for within the TTL.
   * So a socket signed in, or sending now and then, has its check made again before it lapses,
   * whenever its frames come; a session left unused for the TTL is claimed no more and its check
   * lapses. A refusal is final (a session never comes back) and is never claimed.
   */
  claimInUse(): [sessionId: string, claim: RefreshClaim][] {
    const now = this.now();
    const claims: [string, RefreshClaim][] = [];
    for (const [sessionId, entry] of this.entries) {
      if (entry.usedAt + this.ttlMs > now && this.claim(entry, now))
        claims.push([sessionId, entry]);
    }
    return claims;
  }

  /**
   * Remembers a claimed check's answer, unless the claimed entry was forgotten or replaced
   * meanwhile (a revocation, or a newer check): an answer read before a revocation must not
   * bring the session back.
   */
  refresh(
    sessionId: string,
    claim: RefreshClaim,
    user: AuthUser | null,
    sessionExpiresAt = Infinity,
    readAt = this.now(),
  ): void {
    const entry = this.entries.get(sessionId);
    if (entry === claim) this.remember(sessionId, user, sessionExpiresAt, readAt, entry.usedAt);
  }

  /**
   * How many times sessions were forgotten so far: a check read while this changed may predate a
   * revocation, and is not to be remembered.
   */
  get forgotten(): number {
    return this.forgets;
  }

  /** Forgets revoked sessions at once. */
  delete(sessionIds: Iterable<string>): void {
    this.forgets++;
    for (const id of sessionIds) this.entries.delete(id);
  }

  private claim(entry: Entry, now: number): RefreshClaim | undefined {
    if (!entry.user || entry.until <= now || entry.refreshAt > now) return undefined;
    entry.refreshAt = Infinity;
    return entry;
  }

  private remember(
    sessionId: string,
    user: AuthUser | null,
    sessionExpiresAt: number,
    readAt: number,
    usedAt: number,
  ): void {
    const now = this.now();
    if (!this.entries.has(sessionId) && this.entries.size >= this.maxEntries) this.makeRoom(now);
    // Re-inserted, so the oldest entry is always the first one.
    this.entries.delete(sessionId);
    const until = Math.min(readAt + this.ttlMs, sessionExpiresAt);
    this.entries.set(sessionId, { user, until, refreshAt: readAt + this.ttlMs / 2, usedAt });
  }

  private makeRoom(now: number): void {
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
