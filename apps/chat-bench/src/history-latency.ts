import { performance } from 'node:perf_hooks';
import { bulkLoadHistory } from './bench-database';
import { BenchProfile } from './bench-profile';
import { httpRequest } from './http-client';
import { startServer, stopServer } from './servers';
import { medianOf, Percentiles, percentiles } from './stats';

export interface HistoryLatency {
  /** Messages stored while the routes were timed. */
  messages: number;
  last: Percentiles;
  load: Percentiles;
  /** The same client against a bare Node HTTP server: the floor of the other figures. */
  baseline: Percentiles;
}

/** The history routes' latency with `profile.history` stored messages. */
export async function historyLatency(
  databaseUrl: string,
  profile: BenchProfile,
): Promise<HistoryLatency> {
  const server = await startServer('chat', { DATABASE_URL: databaseUrl });
  const bare = await startServer('naive');
  try {
    const { messages, maxId } = await bulkLoadHistory(databaseUrl, profile.history);
    const routes = {
      last: () => httpRequest(server.httpUrl, 'GET', '/routers/last_messages'),
      load: () =>
        httpRequest(server.httpUrl, 'POST', '/routers/load', {
          id_message: 1 + Math.floor(Math.random() * maxId),
        }),
      baseline: () => httpRequest(bare.httpUrl, 'GET', '/'),
    };
    const time = async (send: () => Promise<void>) => {
      const samples: number[] = [];
      for (let i = 0; i < profile.historyRequests; i++) {
        const start = performance.now();
        await send();
        samples.push(performance.now() - start);
      }
      return percentiles(samples);
    };
    for (const send of Object.values(routes)) await time(send); // warm-up
    // Rounds alternate the routes; each figure is the median of the rounds' percentiles.
    const rounds: Record<keyof typeof routes, Percentiles[]> = { last: [], load: [], baseline: [] };
    for (let round = 0; round < profile.rounds; round++) {
      for (const [name, send] of Object.entries(routes)) {
        rounds[name as keyof typeof routes].push(await time(send));
      }
    }
    const [last, load, baseline] = [rounds.last, rounds.load, rounds.baseline].map(medianOf);
    return { messages, last, load, baseline };
  } finally {
    await stopServer(bare);
    await stopServer(server);
  }
}
