import fc from 'fast-check';
import { median, medianOf, percentiles } from './stats';

describe('stats', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('orders the percentiles and ends at the maximum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1 }),
        (xs) => {
          const { p50, p95, p99, max } = percentiles(xs);
          expect(p50).toBeLessThanOrEqual(p95);
          expect(p95).toBeLessThanOrEqual(p99);
          expect(p99).toBeLessThanOrEqual(max);
          expect(max).toBe(Math.max(...xs));
        },
      ),
    );
    expect(percentiles([]).p99).toBeNaN();
  });

  it("takes each percentile's median over the runs on its own", () => {
    const runs = [
      { p50: 1, p95: 30, p99: 200, max: 9 },
      { p50: 2, p95: 10, p99: 300, max: 7 },
      { p50: 3, p95: 20, p99: 100, max: 8 },
    ];
    expect(medianOf(runs)).toEqual({ p50: 2, p95: 20, p99: 200, max: 8 });
  });
});
