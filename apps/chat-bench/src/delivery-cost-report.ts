import { DeliveryCost, DeliveryCostParams, microsPerDelivery } from './delivery-cost';
import { fixed as f, thousands as k } from './format';
import type { TargetVerdict } from './target-verdict';

/** Issue #22: the chat server's CPU per delivery at most this many times the coalescing server's. */
const COST_BOUND = 1.3;

export function deliveryCostVerdict(cost: DeliveryCost, params: DeliveryCostParams): TargetVerdict {
  return {
    target: `server CPU per delivered frame (C=${k(params.connections)}, ${params.rate} msg/s, one room) at most ${COST_BOUND}x the coalescing bare server`,
    measured: `${f(cost.ratio, 2)}x (${f(cost.micros.get('chat')!, 2)} µs against ${f(cost.micros.get('coalescing')!, 2)} µs)`,
    met: cost.ratio <= COST_BOUND,
  };
}

/** The step's table and how it was measured, for BENCHMARKS.md. */
export function renderDeliveryCost(cost: DeliveryCost, params: DeliveryCostParams): string {
  const rows = [...cost.steps.entries()].map(([kind, steps]) => {
    const each = steps.map((step) => f(microsPerDelivery(step), 2)).join(' / ');
    const delivered = steps.reduce((sum, step) => sum + step.deliveries, 0);
    const expected = steps.reduce((sum, step) => sum + step.expected, 0);
    return `| ${kind} | ${f(cost.micros.get(kind)!, 2)} | ${each} | ${k(delivered)} / ${k(expected)} |`;
  });
  const table = [
    `| server (C=${k(params.connections)}, S=${params.senders}, ${params.rate} msg/s, ${f(params.stepMs / 1000, 0)} s) | CPU µs per delivery, median | each round | delivered / expected, all rounds |`,
    '|---|---|---|---|',
    ...rows,
    `| chat / coalescing | ${f(cost.ratio, 2)}x | | |`,
  ];
  const paragraph =
    `The fan-out load (compat frames in the general room) at one steady rate on each server, the servers alternating over ${params.rounds} round${params.rounds === 1 ? '' : 's'}. ` +
    `A step's CPU is the server process's user and system time (/proc) across the step, less that of the same ${k(params.connections)} sockets opened, settled and closed with no message, so the handshakes stay out of a figure per delivery; it is divided by the frames the sockets received. ` +
    "The load generator's CPU is not counted, though on this host it shares the cores with the servers.";
  return [...table, '', paragraph].join('\n');
}
