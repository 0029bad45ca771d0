import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import Redis from 'ioredis';

/** A Redis that does not answer within this is treated as away for that request. */
const COMMAND_TIMEOUT_MS = 500;
const RETRY_MAX_DELAY_MS = 5_000;

type Record = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Rate-limit counters kept in Redis, so every instance counts the same hits. While Redis cannot
 * answer, each instance counts in its own memory instead, as it did before counters were shared:
 * the limits still hold per instance, and logins neither hang on Redis nor are refused because of
 * it (failing closed would let a Redis outage lock everybody out).
 */
export class SharedThrottlerStorage implements ThrottlerStorage, OnApplicationShutdown {
  private readonly logger = new Logger('Throttler');
  private readonly redis: Redis;
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new ThrottlerStorageService();
  private sharing = true;

  constructor(url: string, prefix: string) {
    this.redis = new Redis(url, {
      keyPrefix: `${prefix}throttle:`,
      lazyConnect: true,
      // Fail at once while disconnected instead of queueing requests behind a reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      commandTimeout: COMMAND_TIMEOUT_MS,
      retryStrategy: (attempt) => Math.min(100 * 2 ** Math.min(attempt, 10), RETRY_MAX_DELAY_MS),
    });
    this.redis.on('error', (error: Error) => this.logger.debug(`Redis: ${error.message}`));
    this.redis.connect().catch(() => undefined); // retried by retryStrategy
    this.shared = new ThrottlerStorageRedisService(this.redis);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<Record> {
    try {
      const record = await this.shared.increment(key, ttl, limit, blockDuration, throttlerName);
      if (!this.sharing) this.logger.log('Rate limits are shared through Redis again');
      this.sharing = true;
      return record;
    } catch (error) {
      if (this.sharing) {
        this.logger.warn(
          `Rate limits counted per instance while Redis is unreachable: ${(error as Error).message}`,
        );
      }
      this.sharing = false;
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
    this.local.onApplicationShutdown();
  }
}
