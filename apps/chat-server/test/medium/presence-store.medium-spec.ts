import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MemoryPresenceStore } from '../../../../libs/presence/src/memory-presence-store';
import { PresenceChange } from '../../../../libs/presence/src/presence-status';
import { PresenceStore } from '../../../../libs/presence/src/presence-store';
import { RedisPresenceStore } from '../../../../libs/presence/src/redis-presence-store';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A heartbeat this short lets a dead instance be swept within a second or two. */
const SHORT_TTL_MS = 600;
const WAIT_MS = 10_000;

/** What a Redis store hides that the tests look at. */
interface RedisStoreInternals {
  redis: Redis;
  timer?: NodeJS.Timeout;
  stale: boolean;
  beating: boolean;
  beat(): Promise<void>;
}
const internals = (store: RedisPresenceStore) => store as unknown as RedisStoreInternals;

async function until(done: () => boolean | Promise<boolean>, label: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`not within ${WAIT_MS} ms: ${label}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const started: RedisPresenceStore[] = [];

/** A Redis store as one instance, connected and with its first beat done. */
async function redisStore(prefix: string, ttlMs = 15_000): Promise<RedisPresenceStore> {
  const store = new RedisPresenceStore(REDIS_URL, prefix, ttlMs);
  started.push(store);
  store.onModuleInit();
  const hidden = internals(store);
  await until(
    () => hidden.redis.status === 'ready' && !hidden.stale && !hidden.beating,
    'connected',
  );
  return store;
}

/** Stops an instance as a crash would: no more heartbeats, its sockets left in Redis. */
function crash(store: RedisPresenceStore): void {
  const hidden = internals(store);
  clearInterval(hidden.timer);
  hidden.redis.disconnect();
}

afterAll(async () => {
  await Promise.all(started.map((store) => store.retire()));
  await Promise.all(started.map((store) => store.onApplicationShutdown()));
});

const newPrefix = () => `chat-presence-spec-${randomBytes(4).toString('hex')}:`;

describe.each([
  ['in memory', () => Promise.resolve<PresenceStore>(new MemoryPresenceStore())],
  ['in Redis', () => redisStore(newPrefix())],
])('the presence store %s', (_name, create) => {
  let store: PresenceStore;
  beforeEach(async () => {
    store = await create();
  });

  it('makes a user online with any online socket, away when all are away, offline with none', async () => {
    expect(await store.put('1', 7, 'online')).toEqual([{ userId: 7, status: 'online' }]);
    // An idle second device does not make an active user away.
    expect(await store.put('2', 7, 'away')).toEqual([]);
    expect(await store.statuses([7])).toEqual(['online']);
    expect(await store.put('1', 7, 'away')).toEqual([{ userId: 7, status: 'away' }]);
    expect(await store.put('2', 7, 'online')).toEqual([{ userId: 7, status: 'online' }]);
    expect(await store.remove('2')).toEqual([{ userId: 7, status: 'away' }]);
    expect(await store.remove('1')).toEqual([{ userId: 7, status: 'offline' }]);
    expect(await store.remove('1')).toEqual([]);
    expect(await store.statuses([7, 8])).toEqual(['offline', 'offline']);
  });

  it('counts present users in their rooms, and stops when they go offline or leave', async () => {
    await store.put('1', 7, 'online');
    await store.put('2', 8, 'away');
    expect(await store.syncRooms(7, [1, 5, 6], [1, 5])).toEqual([1, 1]);
    expect(await store.syncRooms(8, [1, 5], [1, 5, 6])).toEqual([2, 2, 1]);
    // Room 6 left meanwhile.
    expect(await store.syncRooms(7, [1, 5], [6])).toEqual([0]);
    // 7 joins room 9 and leaves it again; 9 is offline.
    expect(await store.syncRooms(7, [1, 5, 9], [9])).toEqual([1]);
    expect(await store.syncRooms(9, [9], [9])).toEqual([1]);
    expect(await store.syncRooms(7, [1, 5], [9])).toEqual([0]);
    await store.remove('1');
    expect(await store.onlineCounts([1, 5])).toEqual([1, 1]);
    // An offline user's sync counts them nowhere.
    expect(await store.syncRooms(7, [1, 5], [1])).toEqual([1]);
  });
});

describe('the Redis presence store on several instances', () => {
  it('agrees on a user whose sockets two instances change at once', async () => {
    const prefix = newPrefix();
    const [east, west] = [await redisStore(prefix), await redisStore(prefix)];
    const reported: PresenceChange[] = [];
    const record = (changes: PresenceChange[]) => reported.push(...changes);
    // Each instance opens, sets and closes sockets of one user, all at once.
    const work: Promise<void>[] = [];
    for (const [name, store] of [
      ['east', east],
      ['west', west],
    ] as const) {
      for (let socket = 0; socket < 20; socket++) {
        const id = `${name}-${socket}`;
        work.push(
          (async () => {
            record(await store.put(id, 42, socket % 2 ? 'away' : 'online'));
            record(await store.put(id, 42, socket % 3 ? 'online' : 'away'));
            if (socket % 4) record(await store.remove(id));
          })(),
        );
      }
    }
    await Promise.all(work);
    const [status] = await east.statuses([42]);
    expect(await west.statuses([42])).toEqual([status]);
    // Reported changes chain from offline to the status now, each one a real change.
    const statuses = ['offline', ...reported.map((change) => change.status)];
    for (let i = 1; i < statuses.length; i++) expect(statuses[i]).not.toBe(statuses[i - 1]);
    expect(statuses.at(-1)).toBe(status);
  });

  it("sweeps a crashed instance's sockets: its users go offline, reported once, and leave their rooms", async () => {
    const prefix = newPrefix();
    const doomed = await redisStore(prefix, SHORT_TTL_MS);
    const survivors = [await redisStore(prefix, SHORT_TTL_MS), await redisStore(prefix)];
    const reported: PresenceChange[] = [];
    for (const survivor of survivors) survivor.changed = (changes) => reported.push(...changes);
    await doomed.put('1', 7, 'online');
    await doomed.put('2', 8, 'online');
    await survivors[0].put('1', 8, 'away');
    await doomed.syncRooms(7, [1], []);
    await doomed.syncRooms(8, [1], []);
    expect(await survivors[0].onlineCounts([1])).toEqual([2]);

    crash(doomed);
    await until(() => reported.length >= 2, 'the sweep');
    // Another beat of each survivor: nothing is reported twice.
    for (const survivor of survivors) await internals(survivor).beat();
    expect(reported.sort((a, b) => a.userId - b.userId)).toEqual([
      { userId: 7, status: 'offline' },
      { userId: 8, status: 'away' },
    ]);
    expect(await survivors[1].statuses([7, 8])).toEqual(['offline', 'away']);
    expect(await survivors[1].onlineCounts([1])).toEqual([1]);
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys(`${prefix}user:7`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('puts back the sockets of an instance that was swept while it stalled', async () => {
    const prefix = newPrefix();
    const stalled = await redisStore(prefix, SHORT_TTL_MS);
    const other = await redisStore(prefix, SHORT_TTL_MS);
    const seenByOther: PresenceChange[] = [];
    const seenByStalled: PresenceChange[] = [];
    other.changed = (changes) => seenByOther.push(...changes);
    stalled.changed = (changes) => seenByStalled.push(...changes);
    await stalled.put('1', 7, 'online');

    clearInterval(internals(stalled).timer);
    await until(() => seenByOther.length > 0, 'the sweep');
    expect(seenByOther).toEqual([{ userId: 7, status: 'offline' }]);

    await internals(stalled).beat();
    expect(seenByStalled).toEqual([{ userId: 7, status: 'online' }]);
    expect(await other.statuses([7])).toEqual(['online']);
  });

  it('puts its sockets back after reconnecting to a Redis that lost them (restarted empty)', async () => {
    const prefix = newPrefix();
    const store = await redisStore(prefix);
    const seen: PresenceChange[] = [];
    store.changed = (changes) => seen.push(...changes);
    await store.put('1', 7, 'away');
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}*`);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    internals(store).redis.disconnect(true);
    await until(() => seen.length > 0, 'put back');
    expect(seen).toEqual([{ userId: 7, status: 'away' }]);
    expect(await store.statuses([7])).toEqual(['away']);
  });

  it('lets one typing notice per user and room through in the interval, over every instance', async () => {
    const prefix = newPrefix();
    const [east, west] = [await redisStore(prefix), await redisStore(prefix)];
    expect(await east.claimTyping(7, 3, 1_000)).toBe(true);
    expect(await west.claimTyping(7, 3, 1_000)).toBe(false);
    expect(await west.claimTyping(7, 4, 1_000)).toBe(true);
    expect(await west.claimTyping(8, 3, 1_000)).toBe(true);
  });
});

describe('the Redis presence store when Redis restarts empty', () => {
  it('reports offline a user whose last socket closed while Redis was away', async () => {
    const prefix = newPrefix();
    const store = await redisStore(prefix);
    const seen: PresenceChange[] = [];
    store.changed = (changes) => seen.push(...changes);
    expect(await store.put('1', 7, 'online')).toEqual([{ userId: 7, status: 'online' }]);
    await store.put('2', 8, 'online');
    // Redis goes away (restarted without persistence, as in docker-compose.yml) ...
    internals(store).redis.disconnect();
    // ... user 7's only socket closes meanwhile, which cannot be reported now ...
    expect(await store.remove('1')).toEqual([]);
    const redis = new Redis(REDIS_URL);
    try {
      const keys = await redis.keys(`${prefix}*`);
      await redis.del(...keys);
    } finally {
      redis.disconnect();
    }
    // ... and comes back empty: 8 is put back, and 7, told online to others, is told offline.
    await internals(store).redis.connect();
    await until(() => seen.length >= 2, 'reset');
    expect(await store.statuses([7, 8])).toEqual(['offline', 'online']);
    expect(seen.sort((a, b) => a.userId - b.userId)).toEqual([
      { userId: 7, status: 'offline' },
      { userId: 8, status: 'online' },
    ]);
  });

  it('reports once a user whose socket closed while Redis was away but kept its keys', async () => {
    const prefix = newPrefix();
    const store = await redisStore(prefix);
    const seen: PresenceChange[] = [];
    store.changed = (changes) => seen.push(...changes);
    await store.put('1', 7, 'online');
    internals(store).redis.disconnect();
    expect(await store.remove('1')).toEqual([]);
    await until(() => internals(store).redis.status === 'end', 'disconnected');
    await internals(store).redis.connect();
    await until(() => seen.length >= 1 && !internals(store).stale, 'reset');
    await internals(store).beat();
    expect(seen).toEqual([{ userId: 7, status: 'offline' }]);
  });
});

describe('the Redis presence store with an instance whose heartbeat expired', () => {
  it('counts its sockets no more, even before any instance sweeps them', async () => {
    const prefix = newPrefix();
    const stalled = await redisStore(prefix, SHORT_TTL_MS);
    // A long heartbeat, and no beats: this one sweeps nothing during the test.
    const other = await redisStore(prefix, 60_000);
    clearInterval(internals(other).timer);
    await stalled.put('1', 7, 'online');
    await other.put('1', 7, 'away');
    clearInterval(internals(stalled).timer);
    await new Promise((resolve) => setTimeout(resolve, SHORT_TTL_MS * 2));
    // Any change of the user settles them from the sockets of live instances only.
    expect(await other.put('1', 7, 'away')).toEqual([{ userId: 7, status: 'away' }]);
    expect(await other.statuses([7])).toEqual(['away']);
  });
});
