import fc from 'fast-check';
import { TypingThrottle } from './typing-throttle';

const INTERVAL = 3_000;

describe('TypingThrottle', () => {
  it('passes the first notice of a user in a room, then none until the interval is over', () => {
    const throttle = new TypingThrottle(INTERVAL);
    expect(throttle.pass(1, 5, 10_000)).toBe(true);
    expect(throttle.pass(1, 5, 10_001)).toBe(false);
    expect(throttle.pass(1, 5, 12_999)).toBe(false);
    expect(throttle.pass(1, 5, 13_000)).toBe(true);
  });

  it('counts each user and room apart', () => {
    const throttle = new TypingThrottle(INTERVAL);
    expect(throttle.pass(1, 5, 0)).toBe(true);
    expect(throttle.pass(2, 5, 1)).toBe(true);
    expect(throttle.pass(1, 6, 2)).toBe(true);
    expect(throttle.pass(1, 5, 3)).toBe(false);
  });

  it('passes at most one notice per user and room in any window of the interval', () => {
    const notice = fc.record({
      userId: fc.integer({ min: 1, max: 3 }),
      roomId: fc.integer({ min: 1, max: 3 }),
      gap: fc.integer({ min: 0, max: 2_000 }),
    });
    fc.assert(
      fc.property(fc.array(notice, { maxLength: 200 }), (notices) => {
        const throttle = new TypingThrottle(INTERVAL);
        const passedAt = new Map<string, number>();
        let now = 0;
        for (const { userId, roomId, gap } of notices) {
          now += gap;
          const key = `${userId}:${roomId}`;
          const last = passedAt.get(key);
          const expected = last === undefined || now - last >= INTERVAL;
          expect(throttle.pass(userId, roomId, now)).toBe(expected);
          if (expected) passedAt.set(key, now);
        }
      }),
    );
  });

  it('forgets what has expired, and never holds more than its bound', () => {
    const throttle = new TypingThrottle(INTERVAL, 50);
    for (let user = 1; user <= 40; user++) throttle.pass(user, 1, 0);
    expect(throttle.size).toBe(40);
    throttle.pass(99, 1, INTERVAL);
    expect(throttle.size).toBe(1);
    for (let user = 1; user <= 500; user++) throttle.pass(user, 2, INTERVAL + 1);
    expect(throttle.size).toBe(50);
  });
});
