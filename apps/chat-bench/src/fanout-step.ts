import type { LoadResult } from './load';

/** One rate tried in the fan-out search, with the server CPU it took. */
export interface FanoutStep<Result extends LoadResult = LoadResult> {
  rate: number;
  result: Result;
  cpuSeconds: number;
}

/** A fan-out step passes with at least 99% of deliveries and p99 within 100 ms. */
export function passes(step: FanoutStep): boolean {
  return step.result.ratio >= 0.99 && step.result.latencyMs.p99 <= 100;
}

/** The highest deliveries/s among the steps that passed (0 when none did). */
export function highestPassing(steps: FanoutStep[]): number {
  return Math.max(0, ...steps.filter(passes).map((step) => step.result.deliveriesPerSecond));
}

/**
 * The highest of `rates` at most half the highest rate (msg/s) that passed in `steps`: where
 * latency is read, well below saturation. The first rate when nothing passed twice it.
 */
export function halfRate(rates: number[], steps: FanoutStep[]): number {
  const top = Math.max(0, ...steps.filter(passes).map((step) => step.rate));
  return rates.filter((rate) => rate <= top / 2).at(-1) ?? rates[0];
}
