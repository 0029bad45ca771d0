import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';

interface Bucket {
  tokens: number;
  updatedAt: number;
}

const SWEEP_SIZE = 10_000;

/** A token bucket per user: `perSecond` messages a second on average, bursts up to `burst`. */
@Injectable()
export class MessageRateLimiter {
  private readonly buckets = new Map<number, Bucket>();
  private readonly perMs: number;
  private readonly burst: number;

  constructor(config: AppConfig) {
    this.perMs = config.messageRate.perSecond / 1000;
    this.burst = config.messageRate.burst;
  }

  /** Takes one message from the user's allowance; false when it is spent. */
  take(userId: number, now = Date.now()): boolean {
    if (this.buckets.size >= SWEEP_SIZE) this.forgetFull(now);
    const bucket = this.buckets.get(userId) ?? { tokens: this.burst, updatedAt: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    const allowed = bucket.tokens >= 1;
    if (allowed) bucket.tokens -= 1;
    this.buckets.set(userId, bucket);
    return allowed;
  }

  /** A bucket that has refilled completely carries no state worth keeping. */
  private forgetFull(now: number): void {
    for (const [userId, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.perMs >= this.burst) {
        this.buckets.delete(userId);
      }
    }
  }
}
