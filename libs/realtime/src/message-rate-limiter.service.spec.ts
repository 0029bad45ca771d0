import fc from 'fast-check';
import { AppConfig } from '@chat/config';
import { MessageRateLimiter } from './message-rate-limiter.service';

const limiter = (perSecond: number, burst: number) =>
  new MessageRateLimiter({ messageRate: { perSecond, burst } } as AppConfig);

/** How many of `count` messages at `now` the user may send. */
const taken = (rate: MessageRateLimiter, userId: number, count: number, now: number) =>
  Array.from({ length: count }, () => rate.take(userId, now)).filter(Boolean).length;

describe('MessageRateLimiter', () => {
  it('lets a burst through at once, then refuses', () => {
    const rate = limiter(1, 5);
    expect(taken(rate, 1, 8, 1_000)).toBe(5);
  });

  it('gives back one message per 1/perSecond of a second', () => {
    const rate = limiter(4, 2);
    taken(rate, 1, 2, 0);
    expect(rate.take(1, 249)).toBe(false);
    expect(rate.take(1, 250)).toBe(true);
    expect(rate.take(1, 250)).toBe(false);
    expect(taken(rate, 1, 3, 750)).toBe(2);
  });

  it('never saves up more than the burst, however long the user was quiet', () => {
    const rate = limiter(10, 3);
    rate.take(1, 0);
    expect(taken(rate, 1, 10, 3_600_000)).toBe(3);
  });

  it('keeps one allowance per user', () => {
    const rate = limiter(1, 2);
    expect(taken(rate, 1, 3, 0)).toBe(2);
    expect(taken(rate, 2, 3, 0)).toBe(2);
    expect(rate.take(1, 0)).toBe(false);
  });

  it('never lets through more than the burst plus the rate over the time taken', () => {
    const schedule = fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        schedule,
        (perSecond, burst, gaps) => {
          const rate = limiter(perSecond, burst);
          let now = 1_000;
          let allowed = 0;
          for (const gap of gaps) {
            now += gap;
            if (rate.take(7, now)) allowed++;
          }
          expect(allowed).toBeLessThanOrEqual(burst + ((now - 1_000) * perSecond) / 1000);
        },
      ),
    );
  });

  it('refuses no one who keeps to the rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 200 }), { maxLength: 100 }),
        (perSecond, burst, slack) => {
          const rate = limiter(perSecond, burst);
          let now = 0;
          for (const extra of slack) {
            now += Math.ceil(1000 / perSecond) + extra;
            expect(rate.take(7, now)).toBe(true);
          }
        },
      ),
    );
  });

  it('keeps a spent allowance through the sweep of refilled ones it makes when it holds many', () => {
    const rate = limiter(1, 4);
    taken(rate, 0, 4, 0);
    for (let userId = 1; userId < 10_000; userId++) rate.take(userId, 0);
    // At 1.5 s every allowance but user 0's is full again: the next take sweeps them away.
    expect(rate.take(10_000, 1_500)).toBe(true);
    expect(taken(rate, 0, 4, 1_500)).toBe(1);
  });
});
