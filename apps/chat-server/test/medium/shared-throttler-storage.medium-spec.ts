import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import Redis from 'ioredis';
import { SharedThrottlerStorage } from '../../../../libs/users/src/shared-throttler-storage';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MINUTE_MS = 60_000;

describe('SharedThrottlerStorage', () => {
  const storages: SharedThrottlerStorage[] = [];
  afterAll(() => storages.forEach((storage) => storage.onApplicationShutdown()));

  function storage(url: string, prefix: string): SharedThrottlerStorage {
    const created = new SharedThrottlerStorage(url, prefix);
    storages.push(created);
    return created;
  }

  async function connected(instance: SharedThrottlerStorage): Promise<void> {
    const redis = (instance as unknown as { redis: Redis }).redis;
    if (redis.status !== 'ready') await once(redis, 'ready');
  }

  it('counts the hits of two instances together in Redis, under REDIS_PREFIX', async () => {
    const prefix = `chat-throttle-spec-${randomBytes(4).toString('hex')}:`;
    const [first, second] = [storage(REDIS_URL, prefix), storage(REDIS_URL, prefix)];
    // Until connected, an instance counts in memory (see the next test).
    await Promise.all([first, second].map(connected));
    const hits: number[] = [];
    for (const instance of [first, second, first]) {
      hits.push((await instance.increment('key', MINUTE_MS, 2, MINUTE_MS, 'default')).totalHits);
    }
    expect(hits).toEqual([1, 2, 3]);
    expect((await second.increment('key', MINUTE_MS, 2, MINUTE_MS, 'default')).isBlocked).toBe(
      true,
    );
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys(`${prefix}*`)).toEqual(
        expect.arrayContaining([`${prefix}throttle:{key:default}:hits`]),
      );
    } finally {
      redis.disconnect();
    }
  });

  it('counts in memory, and still blocks, while Redis is unreachable', async () => {
    // Nothing listens on port 1.
    const instance = storage('redis://127.0.0.1:1', 'unreachable:');
    const records = [];
    for (let hit = 0; hit < 3; hit++) {
      records.push(await instance.increment('key', MINUTE_MS, 2, MINUTE_MS, 'default'));
    }
    expect(records.map((record) => [record.totalHits, record.isBlocked])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
  });
});
