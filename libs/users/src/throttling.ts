import type { ThrottlerModuleOptions } from '@nestjs/throttler';
import { AppConfig } from '@chat/config';
import { SharedThrottlerStorage } from './shared-throttler-storage';

const ONE_MINUTE_MS = 60_000;

/**
 * A login's account as names are compared (the unique index is on lower(name), and the login
 * trims the name), so `alice`, `Alice` and ` alice` count as one account.
 */
export function accountTracker(request: { body?: { name?: unknown } }): string {
  const name = request.body?.name;
  return `account:${typeof name === 'string' ? name.trim().toLowerCase() : ''}`;
}

/** The login and sign-up limits; counted in Redis, across instances, when REDIS_URL is set. */
export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    throttlers: [
      // The unnamed (per address) throttler keeps the plain Retry-After header.
      { ttl: ONE_MINUTE_MS, limit: config.authRateLimitPerMinute },
      // Password guessing spread over many addresses still meets this one.
      {
        name: 'account',
        ttl: ONE_MINUTE_MS,
        limit: config.loginAccountRateLimitPerMinute,
        getTracker: accountTracker,
      },
    ],
    storage: config.redis
      ? new SharedThrottlerStorage(config.redis.url, config.redis.prefix)
      : undefined,
  };
}
