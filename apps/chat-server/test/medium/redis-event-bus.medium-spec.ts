import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { ChatEvent } from '@chat/events';
import { RedisEventBus } from '../../../../libs/events/src/redis-event-bus';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** What a bus received, counted by channel kind as chat_bus_events_received_total counts it. */
class Receipts {
  room = 0;
  shared = 0;
  inc({ channel }: { channel: 'room' | 'shared' }): void {
    this[channel]++;
  }
}

describe('RedisEventBus receiving from other instances', () => {
  const prefix = `chat-test-${randomBytes(4).toString('hex')}:`;
  let bus: RedisEventBus;
  let other: Redis;

  beforeAll(async () => {
    bus = new RedisEventBus(REDIS_URL, prefix, new Receipts());
    bus.onModuleInit();
    other = new Redis(REDIS_URL);
    // Subscribed once an event published from outside arrives.
    let arrived = false;
    const unsubscribe = bus.subscribe(() => (arrived = true));
    const probe = JSON.stringify({
      origin: 'probe',
      event: { type: 'user.deleted', userId: 1, previousAvatar: '/a' },
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
    const valid: ChatEvent = { type: 'avatar.changed', userId: 7, avatar: '/a' };
    for (const payload of [
      'not json',
      JSON.stringify({ origin: 'other', event: { type: 'avatar.changed' } }),
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
    const bus = new RedisEventBus('redis://127.0.0.1:1', 'chat-test-unreachable:', new Receipts());
    bus.onModuleInit();
    bus.publish({ type: 'message.deleted', roomId: 1, seq: 1, messageId: 1 });
    await expect(bus.onApplicationShutdown()).resolves.toBeUndefined();
  }, 10_000);
});

describe('RedisEventBus rooms', () => {
  const prefix = `chat-test-${randomBytes(4).toString('hex')}:`;
  const buses: RedisEventBus[] = [];
  const receipts = new Map<RedisEventBus, Receipts>();
  let redis: Redis;

  const newBus = () => {
    const counted = new Receipts();
    const bus = new RedisEventBus(REDIS_URL, prefix, counted);
    bus.onModuleInit();
    buses.push(bus);
    receipts.set(bus, counted);
    return bus;
  };
  const subscribers = async (channel: string) =>
    Number(((await redis.call('PUBSUB', 'NUMSUB', `${prefix}${channel}`)) as [string, number])[1]);
  const until = async (check: () => Promise<boolean> | boolean) => {
    for (let attempt = 0; attempt < 100 && !(await check()); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const message = (roomId: number, seq: number): ChatEvent => ({
    type: 'message.deleted',
    roomId,
    seq,
    messageId: seq,
  });

  beforeAll(() => (redis = new Redis(REDIS_URL)));
  afterAll(async () => {
    await Promise.all(buses.map((bus) => bus.onApplicationShutdown()));
    redis.disconnect();
  });

  it("delivers a room's events only to the instances watching it; membership changes to all", async () => {
    const [publisher, watching, notWatching] = [newBus(), newBus(), newBus()];
    const received = new Map<RedisEventBus, ChatEvent[]>();
    for (const bus of [publisher, watching, notWatching]) {
      received.set(bus, []);
      bus.subscribe((event) => received.get(bus)!.push(event));
    }
    watching.watchRoom(5);
    watching.watchRoom(5); // a second socket of the same room: still one subscription
    await until(
      async () => (await subscribers('room:5')) === 1 && (await subscribers('events')) === 3,
    );
    expect(await subscribers('room:5')).toBe(1);

    const joined: ChatEvent = {
      type: 'member.left',
      roomId: 5,
      seq: 2,
      userId: 9,
      reason: 'removed',
    };
    publisher.publish(message(5, 1));
    publisher.publish(joined);
    publisher.publish(message(6, 1));
    await until(
      () => received.get(watching)!.length >= 2 && received.get(notWatching)!.length >= 1,
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(received.get(watching)).toEqual([message(5, 1), joined]);
    expect(received.get(notWatching)).toEqual([joined]);
    // The publisher delivered its own events once, at once; Redis's echo of them was not.
    expect(received.get(publisher)).toEqual([message(5, 1), joined, message(6, 1)]);
    // Redis sent each instance only the rooms it watches, and the shared channel.
    expect(receipts.get(watching)).toMatchObject({ room: 1, shared: 1 });
    expect(receipts.get(notWatching)).toMatchObject({ room: 0, shared: 1 });
    expect(receipts.get(publisher)).toMatchObject({ room: 0, shared: 1 });

    watching.unwatchRoom(5);
    expect(await subscribers('room:5')).toBe(1);
    watching.unwatchRoom(5);
    await until(async () => (await subscribers('room:5')) === 0);
    expect(await subscribers('room:5')).toBe(0);
  });
});
