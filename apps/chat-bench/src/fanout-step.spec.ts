import fc from 'fast-check';
import { FanoutStep, highestPassing, passes } from './fanout-step';

function step(deliveriesPerSecond: number, ratio: number, p99: number, rate = 100): FanoutStep {
  return {
    rate,
    cpuSeconds: 1,
    result: {
      sent: 0,
      received: 0,
      expected: 0,
      ratio,
      deliveriesPerSecond,
      latencyMs: { p50: p99 / 2, p95: p99, p99, max: p99 },
      errors: 0,
    },
  };
}

describe('fan-out step', () => {
  it('passes with at least 99% delivered and p99 within 100 ms, both bounds included', () => {
    expect(passes(step(1, 0.99, 100))).toBe(true);
    expect(passes(step(1, 0.9899, 50))).toBe(false);
    expect(passes(step(1, 1, 100.01))).toBe(false);
  });

  it('counts the highest deliveries/s among passing steps only, 0 when none passed', () => {
    expect(highestPassing([step(1_000, 1, 10), step(5_000, 0.5, 10), step(2_000, 1, 90)])).toBe(
      2_000,
    );
    expect(highestPassing([step(5_000, 0.5, 10)])).toBe(0);
    expect(highestPassing([])).toBe(0);
  });

  it('never counts more than a passing step delivered', () => {
    const steps = fc.array(
      fc
        .tuple(fc.nat(1e6), fc.double({ min: 0.9, max: 1 }), fc.double({ min: 0, max: 200 }))
        .map(([deliveries, ratio, p99]) => step(deliveries, ratio, p99)),
    );
    fc.assert(
      fc.property(steps, (list) => {
        const passing = list.filter(passes).map((s) => s.result.deliveriesPerSecond);
        expect(highestPassing(list)).toBe(passing.length ? Math.max(...passing) : 0);
      }),
    );
  });
});
