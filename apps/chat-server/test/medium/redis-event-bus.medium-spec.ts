import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ChatEvent } from '@chat/events';
import { RedisEventBus } from '../../../../libs/events/src/redis-event-bus';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('RedisEventBus receiving from other instances', () => {
  const prefix = `chat-test-${randomBytes(4).toString('hex')}:`;
  let bus: RedisEventBus;
  let other: Redis;

  beforeAll(async () => {
    bus = new RedisEventBus(REDIS_URL, prefix);
    bus.onModuleInit();
    other = new Redis(REDIS_URL);
    // Subscribed once an event published from outside arrives.
    let arrived = false;
    const unsubscribe = bus.subscribe(() => (arrived = true));
    const probe = JSON.stringify({
      origin: 'probe',
      event: { type: 'message.deleted', messageId: 1 },
    });
    for (let attempt = 0; attempt < 100 && !arrived; attempt++) {
      await other.publish(`${prefix}events`, probe);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    unsubscribe();
    // Probes published before the subscription took hold are gone; later ones arrive meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 100));
  });
  afterAll(async () => {
    await bus.onApplicationShutdown();
    other.disconnect();
  });

  it('drops malformed events with a warning and delivers the valid ones after them', async () => {
    const delivered: ChatEvent[] = [];
    bus.subscribe((event) => delivered.push(event));
    const warn = jest.spyOn((bus as unknown as { logger: { warn: () => void } }).logger, 'warn');
    const valid: ChatEvent = { type: 'message.deleted', messageId: 7 };
    for (const payload of [
      'not json',
      JSON.stringify({ origin: 'other', event: { type: 'message.deleted' } }),
      JSON.stringify({ origin: 'other', event: { type: 'sessions.revoked', sessionIds: 'all' } }),
      JSON.stringify({ origin: 'other', event: { type: 'message.created', message: null } }),
      JSON.stringify({ origin: 'other', event: valid }),
    ]) {
      await other.publish(`${prefix}events`, payload);
    }
    for (let attempt = 0; attempt < 100 && delivered.length === 0; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(delivered).toEqual([valid]);
    expect(warn).toHaveBeenCalledTimes(4);
  });
});

describe('RedisEventBus shutting down', () => {
  // Nothing listens on port 1: both connections stay in their retry loop. A shutdown that waited
  // for Redis would never finish, and the test would fail on its jest timeout.
  it('finishes while Redis is unreachable', async () => {
    const bus = new RedisEventBus('redis://127.0.0.1:1', 'chat-test-unreachable:');
    bus.onModuleInit();
    bus.publish({ type: 'message.deleted', messageId: 1 });
    await expect(bus.onApplicationShutdown()).resolves.toBeUndefined();
  }, 10_000);
});
