import { Injectable } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { UserRateLimit } from '@chat/rooms';

/** Chat messages per user: `perSecond` a second on average, bursts up to `burst`. */
@Injectable()
export class MessageRateLimiter {
  private readonly limit: UserRateLimit;

  constructor(config: AppConfig) {
    this.limit = new UserRateLimit(config.messageRate);
  }

  /** Takes one message from the user's allowance (now: monotonic ms); false when it is spent. */
  take(userId: number, now = performance.now()): boolean {
    return this.limit.take(userId, now);
  }
}
