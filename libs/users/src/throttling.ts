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

/**
 * The named throttlers: each route using ChatThrottlerGuard skips the ones that are not its own
 * (@SkipThrottle). Counted in Redis, across instances, when REDIS_URL is set.
 */
export function throttlerOptions(config: AppConfig): ThrottlerModuleOptions {
  return {
    throttlers: [
      // Login and sign-up, per client address.
      { ttl: ONE_MINUTE_MS, limit: config.authRateLimitPerMinute },
      // Password guessing spread over many addresses still meets this one.
      {
        name: 'account',
        ttl: ONE_MINUTE_MS,
        limit: config.loginAccountRateLimitPerMinute,
        getTracker: accountTracker,
      },
      // Profile changes (bcrypt at BCRYPT_COST) per user, both routes in one bucket.
      {
        name: 'profile',
        ttl: ONE_MINUTE_MS,
        limit: config.profileUpdateRateLimitPerMinute,
        getTracker: (request: { user?: { id?: number } }) => `user:${request.user?.id}`,
        generateKey: (_context, tracker, name) => `${name}:${tracker}`,
      },
    ],
    storage: config.redis
      ? new SharedThrottlerStorage(config.redis.url, config.redis.prefix)
      : undefined,
  };
}
