import { LoadSpec, runLoad } from './load';
import { processUsage, RunningServer } from './servers';
import { median } from './stats';

/** The servers compared: the chat server against the coalescing bare server. */
export const DELIVERY_COST_KINDS = ['coalescing', 'chat'] as const;
export type DeliveryCostKind = (typeof DELIVERY_COST_KINDS)[number];

export interface DeliveryCostParams {
  connections: number;
  senders: number;
  /** Messages per second into the general room, all senders together. */
  rate: number;
  stepMs: number;
  rounds: number;
}

/** One server's step: its CPU under the load, and with the same sockets and no messages. */
export interface DeliveryCostStep {
  cpuSeconds: number;
  idleCpuSeconds: number;
  deliveries: number;
  /** Deliveries that should have arrived (messages sent times sockets). */
  expected: number;
}

export interface DeliveryCost {
  steps: Map<DeliveryCostKind, DeliveryCostStep[]>;
  /** Per kind, the median over rounds of server CPU µs per delivered frame. */
  micros: Map<DeliveryCostKind, number>;
  /** The chat server's µs per delivery over the coalescing server's. */
  ratio: number;
}

/**
 * Server CPU per delivered frame at one steady rate in one room, the servers alternating within
 * each round. Each step is run twice on the same server: once with its messages and once with no
 * messages at all (the same sockets opened, settled and closed), whose CPU is taken off, so that
 * the handshakes do not enter a figure that is per delivery.
 */
export async function deliveryCost(
  servers: Record<DeliveryCostKind, RunningServer>,
  tokens: string[],
  params: DeliveryCostParams,
): Promise<DeliveryCost> {
  const steps = new Map<DeliveryCostKind, DeliveryCostStep[]>(
    DELIVERY_COST_KINDS.map((kind) => [kind, []]),
  );
  for (let round = 0; round < params.rounds; round++) {
    for (const kind of DELIVERY_COST_KINDS) {
      const server = servers[kind];
      const spec: LoadSpec = {
        wsUrls: [server.wsUrl],
        connections: params.connections,
        senders: params.senders,
        rate: params.rate,
        durationMs: params.stepMs,
        senderTokens: kind === 'chat' ? tokens : undefined,
      };
      const idle = await serverCpuDuring(server, () =>
        runLoad({ ...spec, rate: 0, durationMs: 0 }),
      );
      const loaded = await serverCpuDuring(server, () => runLoad(spec));
      steps.get(kind)!.push({
        cpuSeconds: loaded.cpuSeconds,
        idleCpuSeconds: idle.cpuSeconds,
        deliveries: loaded.result.received,
        expected: loaded.result.expected,
      });
    }
  }
  const micros = new Map(
    DELIVERY_COST_KINDS.map((kind) => [kind, median(steps.get(kind)!.map(microsPerDelivery))]),
  );
  return { steps, micros, ratio: micros.get('chat')! / micros.get('coalescing')! };
}

/** Server CPU µs per delivered frame: the step's CPU less the same sockets' without messages. */
export function microsPerDelivery(step: DeliveryCostStep): number {
  return step.deliveries === 0
    ? NaN
    : (Math.max(0, step.cpuSeconds - step.idleCpuSeconds) * 1e6) / step.deliveries;
}

async function serverCpuDuring<Result>(
  server: RunningServer,
  work: () => Promise<Result>,
): Promise<{ cpuSeconds: number; result: Result }> {
  const before = processUsage(server.process).cpuSeconds;
  const result = await work();
  return { cpuSeconds: processUsage(server.process).cpuSeconds - before, result };
}
