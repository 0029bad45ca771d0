import { LoadSpec, runLoad } from './load';
import { cpuSecondsOf, RunningServer } from './servers';
import { median } from './stats';

/** One side of a comparison: a server, or several instances of one with the sockets spread. */
export interface CostContender {
  label: string;
  servers: RunningServer[];
  /** Sender tokens, for the chat server. */
  tokens?: string[];
}

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
  steps: Map<string, DeliveryCostStep[]>;
  /** Per contender, the median over rounds of server CPU µs per delivered frame. */
  micros: Map<string, number>;
  /** The second contender's µs per delivery over the first's. */
  ratio: number;
}

/**
 * Server CPU per delivered frame at one steady rate in one room, the contenders alternating within
 * each round (a contender's CPU is its servers' together). Each step is run twice on the same server: once with its messages and once with no
 * messages at all (the same sockets opened, settled and closed), whose CPU is taken off, so that
 * the handshakes do not enter a figure that is per delivery.
 */
export async function deliveryCost(
  contenders: [CostContender, CostContender],
  params: DeliveryCostParams,
): Promise<DeliveryCost> {
  const steps = new Map<string, DeliveryCostStep[]>(contenders.map((c) => [c.label, []]));
  for (let round = 0; round < params.rounds; round++) {
    for (const { label, servers, tokens } of contenders) {
      const spec: LoadSpec = {
        wsUrls: servers.map((server) => server.wsUrl),
        connections: params.connections,
        senders: params.senders,
        rate: params.rate,
        durationMs: params.stepMs,
        senderTokens: tokens,
      };
      const idle = await serverCpuDuring(servers, () =>
        runLoad({ ...spec, rate: 0, durationMs: 0 }),
      );
      const loaded = await serverCpuDuring(servers, () => runLoad(spec));
      steps.get(label)!.push({
        cpuSeconds: loaded.cpuSeconds,
        idleCpuSeconds: idle.cpuSeconds,
        deliveries: loaded.result.received,
        expected: loaded.result.expected,
      });
    }
  }
  const micros = new Map(
    contenders.map(({ label }) => [label, median(steps.get(label)!.map(microsPerDelivery))]),
  );
  const [first, second] = contenders.map(({ label }) => micros.get(label)!);
  return { steps, micros, ratio: second / first };
}

/** Server CPU µs per delivered frame: the step's CPU less the same sockets' without messages. */
export function microsPerDelivery(step: DeliveryCostStep): number {
  return step.deliveries === 0
    ? NaN
    : (Math.max(0, step.cpuSeconds - step.idleCpuSeconds) * 1e6) / step.deliveries;
}

async function serverCpuDuring<Result>(
  servers: RunningServer[],
  work: () => Promise<Result>,
): Promise<{ cpuSeconds: number; result: Result }> {
  const before = cpuSecondsOf(servers);
  const result = await work();
  return { cpuSeconds: cpuSecondsOf(servers) - before, result };
}
