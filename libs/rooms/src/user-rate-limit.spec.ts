import fc from 'fast-check';
import { UserRateLimit } from './user-rate-limit';

/** How many of `count` at `now` the user may take. */
const taken = (limit: UserRateLimit, userId: number, count: number, now: number) =>
  Array.from({ length: count }, () => limit.take(userId, now)).filter(Boolean).length;

describe('UserRateLimit', () => {
  it('lets a burst through at once, then refuses; each user has their own', () => {
    const limit = new UserRateLimit({ perSecond: 1, burst: 5 });
    expect(taken(limit, 1, 8, 1_000)).toBe(5);
    expect(taken(limit, 2, 8, 1_000)).toBe(5);
  });

  it('gives back one per 1/perSecond of a second, never more than the burst', () => {
    const limit = new UserRateLimit({ perSecond: 4, burst: 2 });
    taken(limit, 1, 2, 0);
    expect(limit.take(1, 249)).toBe(false);
    expect(limit.take(1, 250)).toBe(true);
    expect(limit.take(1, 250)).toBe(false);
    expect(taken(limit, 1, 10, 3_600_000)).toBe(2);
  });

  it('over any stretch, allows at most the burst plus perSecond a second', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 200 }),
        (perSecond, burst, gaps) => {
          const limit = new UserRateLimit({ perSecond, burst });
          let now = 0;
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            if (limit.take(7, now)) allowed++;
          }
          expect(allowed).toBeLessThanOrEqual(burst + Math.floor((now * perSecond) / 1000));
        },
      ),
    );
  });
});

describe('UserRateLimit when the wall clock steps back', () => {
  afterEach(() => jest.restoreAllMocks());

  it('keeps allowing a user at the rate (it counts time on the monotonic clock)', () => {
    const limit = new UserRateLimit({ perSecond: 1_000, burst: 1 });
    const wall = jest.spyOn(Date, 'now').mockReturnValue(1_000_000);
    expect(limit.take(1)).toBe(true);
    // The wall clock set back ten minutes; the user goes on at half the rate for a second.
    wall.mockReturnValue(400_000);
    const allowed: boolean[] = [];
    const started = performance.now();
    while (performance.now() - started < 20 && allowed.length < 1_000) {
      const at = performance.now();
      while (performance.now() - at < 2);
      allowed.push(limit.take(1));
    }
    expect(allowed.every(Boolean)).toBe(true);
  });
});
