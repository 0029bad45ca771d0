import { BenchProfile } from './bench-profile';
import { FanoutStep, highestPassing } from './fanout-step';
import { runLoad } from './load';
import { searchRates } from './rate-search';
import { cpuSecondsOf, RunningServer, ServerKind } from './servers';

export interface FanoutRounds {
  /** Per kind, the highest passing deliveries/s of each round. */
  highest: Map<ServerKind, number[]>;
  /** Per kind, the steps of the last round. */
  lastSteps: Map<string, FanoutStep[]>;
}

/** The fan-out search on every server, `rounds` times, the servers alternating within a round. */
export async function fanoutRounds(
  servers: Map<ServerKind, RunningServer>,
  tokensFor: (kind: ServerKind) => string[] | undefined,
  profile: BenchProfile,
): Promise<FanoutRounds> {
  const highest = new Map<ServerKind, number[]>([...servers.keys()].map((k) => [k, []]));
  const lastSteps = new Map<string, FanoutStep[]>();
  for (let round = 0; round < profile.rounds; round++) {
    for (const [kind, server] of servers) {
      const steps = await fanoutSearch([server], profile, tokensFor(kind));
      lastSteps.set(kind, steps);
      highest.get(kind)!.push(highestPassing(steps));
    }
  }
  return { highest, lastSteps };
}

/**
 * Rising rates until fewer than 99% of deliveries arrive or p99 passes 100 ms. The sockets are
 * spread over `servers` (several instances of one server) and their CPU is summed.
 */
export async function fanoutSearch(
  servers: RunningServer[],
  profile: BenchProfile,
  tokens?: string[],
): Promise<FanoutStep[]> {
  const cpu = () => cpuSecondsOf(servers);
  const step = async (rate: number): Promise<FanoutStep> => {
    const before = cpu();
    const result = await runLoad({
      wsUrls: servers.map((server) => server.wsUrl),
      connections: profile.connections,
      senders: profile.senders,
      rate,
      durationMs: profile.stepMs,
      senderTokens: tokens,
    });
    return { rate, result, cpuSeconds: cpu() - before };
  };
  return searchRates(profile.rates, step);
}
