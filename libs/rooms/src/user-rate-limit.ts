/** `burst` at once, then `perSecond` a second on average. */
export interface Rate {
  perSecond: number;
  burst: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Past this many users held, those whose allowance is whole again are forgotten. */
const SWEEP_SIZE = 10_000;

/** A token bucket per user, kept in this instance. */
export class UserRateLimit {
  private readonly buckets = new Map<number, Bucket>();
  private readonly perMs: number;

  constructor(private readonly rate: Rate) {
    this.perMs = rate.perSecond / 1000;
  }

  /**
   * Takes one from the user's allowance; false when it is spent. Time is the monotonic clock's
   * (milliseconds): the wall clock may be set back, which would take allowance away.
   */
  take(userId: number, now = performance.now()): boolean {
    if (this.buckets.size >= SWEEP_SIZE) this.forgetFull(now);
    const bucket = this.buckets.get(userId) ?? { tokens: this.rate.burst, updatedAt: now };
    bucket.tokens = Math.min(
      this.rate.burst,
      bucket.tokens + (now - bucket.updatedAt) * this.perMs,
    );
    bucket.updatedAt = now;
    this.buckets.set(userId, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** A bucket that has refilled completely carries no state worth keeping. */
  private forgetFull(now: number): void {
    for (const [userId, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.perMs >= this.rate.burst) {
        this.buckets.delete(userId);
      }
    }
  }
}
