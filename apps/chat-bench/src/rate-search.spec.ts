import { FanoutStep } from './fanout-step';
import { searchRates } from './rate-search';

/** A step at `rate` that passes when `ok(rate, attempt)`; attempts are counted per rate. */
function stepper(ok: (rate: number, attempt: number) => boolean) {
  const attempts = new Map<number, number>();
  const tried: number[] = [];
  const step = async (rate: number): Promise<FanoutStep> => {
    const attempt = (attempts.get(rate) ?? 0) + 1;
    attempts.set(rate, attempt);
    tried.push(rate);
    const pass = ok(rate, attempt);
    return {
      rate,
      cpuSeconds: 0,
      result: {
        sent: 1,
        received: pass ? 1 : 0,
        expected: 1,
        ratio: pass ? 1 : 0,
        deliveriesPerSecond: rate,
        latencyMs: { p50: 1, p95: 1, p99: 1, max: 1 },
        errors: 0,
      },
    };
  };
  return { step, tried };
}

describe('rate search', () => {
  it('climbs until a rate fails twice, keeping both attempts', async () => {
    const { step, tried } = stepper((rate) => rate < 40);
    const steps = await searchRates([10, 20, 40, 80], step);
    expect(tried).toEqual([10, 20, 40, 40]);
    expect(steps.map((s) => s.rate)).toEqual([10, 20, 40, 40]);
  });

  it('goes on when the second attempt at a rate passes', async () => {
    const { step, tried } = stepper((rate, attempt) => rate !== 20 || attempt === 2);
    const steps = await searchRates([10, 20, 40], step);
    expect(tried).toEqual([10, 20, 20, 40]);
    expect(steps.map((s) => s.result.ratio)).toEqual([1, 0, 1, 1]);
  });
});
