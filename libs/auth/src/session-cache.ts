import { AuthUser } from './auth-user';

/** How long an instance trusts a session check; the contract allows revocation to take 5 s. */
export const SESSION_CACHE_TTL_MS = 5_000;
export const SESSION_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  user: AuthUser | null;
  until: number;
  /** From when the check is due again in the background (see claimRefresh); Infinity once claimed. */
  refreshAt: number;
}

/**
 * This instance's recent session checks, the refused ones too (null): each is trusted for the TTL
 * at most and never past the session's own expiry. A check used past half its TTL is due again
 * (claimRefresh), so a session in use is checked again before its check lapses. Bounded: once
 * full, expired entries are swept, and if it is still full the oldest entry goes; it is simply
 * checked again.
 */
export class SessionCache {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly ttlMs = SESSION_CACHE_TTL_MS,
    private readonly maxEntries = SESSION_CACHE_MAX_ENTRIES,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The remembered check of a session; undefined when there is none still valid. */
  get(sessionId: string): AuthUser | null | undefined {
    const entry = this.entries.get(sessionId);
    return entry && entry.until > this.now() ? entry.user : undefined;
  }

  /** Remembers a check; `sessionExpiresAt` (ms since the epoch) is when the session itself ends. */
  set(sessionId: string, user: AuthUser | null, sessionExpiresAt = Infinity): void {
    const now = this.now();
    if (!this.entries.has(sessionId) && this.entries.size >= this.maxEntries) this.makeRoom(now);
    // Re-inserted, so the oldest entry is always the first one.
    this.entries.delete(sessionId);
    const until = Math.min(now + this.ttlMs, sessionExpiresAt);
    this.entries.set(sessionId, { user, until, refreshAt: now + this.ttlMs / 2 });
  }

  /**
   * Whether the session's check is still valid but past half its TTL, and nobody has claimed its
   * next check yet: true once, for the caller who is to check it again (see `refresh`).
   */
  claimRefresh(sessionId: string): boolean {
    const entry = this.entries.get(sessionId);
    const now = this.now();
    if (!entry || entry.until <= now || entry.refreshAt > now) return false;
    entry.refreshAt = Infinity;
    return true;
  }

  /**
   * Remembers a claimed check's answer, unless the session was forgotten meanwhile (revoked): an
   * answer read before the revocation must not bring it back.
   */
  refresh(sessionId: string, user: AuthUser | null, sessionExpiresAt?: number): void {
    if (this.entries.has(sessionId)) this.set(sessionId, user, sessionExpiresAt);
  }

  /** Forgets revoked sessions at once. */
  delete(sessionIds: Iterable<string>): void {
    for (const id of sessionIds) this.entries.delete(id);
  }

  private makeRoom(now: number): void {
    for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
    if (this.entries.size >= this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }
}
