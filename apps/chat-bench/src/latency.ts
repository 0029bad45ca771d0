import { BenchProfile } from './bench-profile';
import { LoadResult, runLoad } from './load';
import { RunningServer, ServerKind } from './servers';

/** Latency at a moderate load on every server, `rounds` times, the servers alternating. */
export async function latencyRounds(
  servers: Map<ServerKind, RunningServer>,
  tokensFor: (kind: ServerKind) => string[] | undefined,
  profile: BenchProfile,
): Promise<Map<ServerKind, LoadResult[]>> {
  const latency = new Map<ServerKind, LoadResult[]>([...servers.keys()].map((k) => [k, []]));
  for (let round = 0; round < profile.rounds; round++) {
    for (const [kind, server] of servers) {
      latency.get(kind)!.push(
        await runLoad({
          wsUrls: [server.wsUrl],
          connections: profile.connections,
          senders: profile.senders,
          rate: profile.latencyRate,
          durationMs: profile.latencyMs,
          senderTokens: tokensFor(kind),
        }),
      );
    }
  }
  return latency;
}
