import fc from 'fast-check';
import { DEFAULT_BACKOFF, reconnectDelay } from './backoff';

describe('reconnectDelay', () => {
  it('stays between 0 and a ceiling that doubles per attempt up to the maximum', () => {
    fc.assert(
      fc.property(fc.nat(1_000), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, random) => {
        const delay = reconnectDelay(attempt, DEFAULT_BACKOFF, random);
        const ceiling = Math.min(10_000, 500 * 2 ** attempt);
        expect(delay).toBeGreaterThanOrEqual(0);
        expect(delay).toBeLessThanOrEqual(ceiling);
      }),
    );
  });

  it('spreads clients out: the random share decides where in the window each one waits', () => {
    expect(reconnectDelay(0, DEFAULT_BACKOFF, 0.5)).toBe(250);
    expect(reconnectDelay(3, DEFAULT_BACKOFF, 0.5)).toBe(2_000);
    expect(reconnectDelay(10, DEFAULT_BACKOFF, 0.999)).toBe(9_990);
    expect(reconnectDelay(10, DEFAULT_BACKOFF, 0)).toBe(0);
  });
});
