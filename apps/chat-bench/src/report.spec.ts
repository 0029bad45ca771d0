import { benchProfile } from './bench-profile';
import { Measurements } from './measurements';
import { renderReport } from './report';

const latency = (p99: number) => ({
  sent: 10,
  received: 10,
  expected: 10,
  ratio: 1,
  deliveriesPerSecond: 10,
  latencyMs: { p50: 1, p95: 2, p99, max: p99 },
  errors: 0,
});
const history = (p99: number) => ({ p50: 1, p95: 2, p99, max: p99 });

/** A run that meets every target of issue #7, each by a margin; `changes` moves one figure. */
function run(changes: Partial<Measurements> = {}): Measurements {
  return {
    fanout: new Map([
      ['naive', [40_000, 50_000, 60_000]],
      ['coalescing', [300_000, 400_000, 500_000]],
      ['chat', [200_000, 280_000, 100_000]],
    ]),
    fanoutSteps: new Map(),
    latency: new Map([
      ['naive', [latency(30), latency(40), latency(35)]],
      ['coalescing', [latency(20)]],
      ['chat', [latency(38), latency(42), latency(44)]],
    ]),
    idle: new Map([
      ['naive', 3_000],
      ['chat', 4_000],
    ]),
    history: { messages: 1_000_000, last: history(3), load: history(4), baseline: history(1) },
    scaleOut: [560_000, 420_000, 490_000],
    seconds: 600.4,
    machine: 'test machine',
    ...changes,
  };
}
const render = (m: Measurements) => renderReport(m, benchProfile(false));
const verdicts = (m: Measurements) =>
  render(m)
    .table.split('\n')
    .filter((row) => / (\*\*not met\*\*|met) \|$/.test(row))
    .map((row) => row.endsWith('**not met** |'));

describe('report', () => {
  it('gives ratios of the medians over rounds', () => {
    const { summary } = render(run());
    expect(summary.fanout).toEqual({ naive: 50_000, coalescing: 400_000, chat: 200_000 });
    expect(summary.fanoutVsNaive).toBe(4);
    expect(summary.fanoutVsCoalescing).toBe(0.5);
    expect(summary.latencyP99.chat).toBe(42);
    expect(summary.idleVsNaive).toBeCloseTo(4 / 3);
    expect(summary.scaleOut).toEqual({ twoInstances: 490_000, vsOne: 2.45 });
    expect(summary.seconds).toBe(600);
  });

  it('writes the ratios into the table', () => {
    const { table, markdown } = render(run());
    expect(table).toContain(
      '| fan-out: highest sustained deliveries/s (C=1000, S=10) | 50,000 | 400,000 | 200,000 | 4.00x | 0.50x |',
    );
    expect(table).toContain(
      '| latency p99 at R=20 msg/s (ms) | 35.0 | 20.0 | 42.0 | 7.0 ms more | |',
    );
    expect(markdown).toContain('Machine: test machine. Run took 600 s.');
  });

  it('says met for each target of issue #7 inside its bound', () => {
    expect(verdicts(run())).toEqual([false, false, false, false, false, false]);
  });

  it('says met for a target exactly at its bound (history under 5 ms excepted)', () => {
    const atBounds = run({
      fanout: new Map([
        ['naive', [120_000]],
        ['coalescing', [400_000]],
        ['chat', [120_000]],
      ]),
      latency: new Map(run().latency).set('chat', [latency(45)]),
      idle: new Map(run().idle).set('chat', 4_500),
      scaleOut: [192_000],
    });
    expect(verdicts(atBounds)).toEqual([false, false, false, false, false, false]);
  });

  it('says not met for each target just outside its bound, and for that one only', () => {
    const misses: Partial<Measurements>[] = [
      { fanout: new Map(run().fanout).set('naive', [200_001]) },
      { fanout: new Map(run().fanout).set('coalescing', [666_667]) },
      { latency: new Map(run().latency).set('chat', [latency(45.1)]) },
      { idle: new Map(run().idle).set('chat', 4_501) },
      { history: { ...run().history, load: history(5) } },
      { scaleOut: [319_999] },
    ];
    misses.forEach((miss, target) => {
      expect(verdicts(run(miss))).toEqual([0, 1, 2, 3, 4, 5].map((i) => i === target));
    });
  });
});
