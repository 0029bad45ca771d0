import { FanoutStep, passes } from './fanout-step';

/**
 * Runs `step` at each rate in turn until one fails. A failed step is run once more before the
 * search stops (both attempts are kept): one hiccup of these shared cores (another process, a
 * collection) should not end it.
 */
export async function searchRates<Step extends FanoutStep>(
  rates: number[],
  step: (rate: number) => Promise<Step>,
): Promise<Step[]> {
  const steps: Step[] = [];
  for (const rate of rates) {
    let attempt = await step(rate);
    if (!passes(attempt)) {
      steps.push(attempt);
      attempt = await step(rate);
    }
    steps.push(attempt);
    if (!passes(attempt)) break;
  }
  return steps;
}
