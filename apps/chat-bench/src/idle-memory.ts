import { closeSockets, openSockets } from './load';
import {
  collectGarbage,
  processUsage,
  RunningServer,
  ServerKind,
  startServer,
  stopServer,
} from './servers';
import { median } from './stats';

/**
 * A server's resident memory after two full collections (it must run with `inspect`): pages one
 * collection frees may reach the system only with the next, so a single one can leave the reading
 * before the sockets above the one after them.
 */
export async function settledRss(server: RunningServer): Promise<number> {
  for (let i = 0; i < 2; i++) {
    await collectGarbage(server);
    await settle(500);
  }
  return processUsage(server.process).rssBytes;
}

/**
 * Resident memory each idle connection adds: for each kind, the median of `rounds` readings
 * (idleGrowth), the kinds taking turns and the order reversed each round, so that neither side
 * always goes first.
 */
export async function idleGrowthRounds(
  kinds: ServerKind[],
  databaseUrl: string,
  token: string,
  connections: number,
  rounds: number,
  startMs: number,
): Promise<Map<ServerKind, number>> {
  const readings = new Map<ServerKind, number[]>(kinds.map((kind) => [kind, []]));
  for (let round = 0; round < rounds; round++) {
    for (const kind of round % 2 ? [...kinds].reverse() : kinds) {
      readings.get(kind)!.push(await idleGrowth(kind, databaseUrl, token, connections, startMs));
    }
  }
  return new Map(kinds.map((kind) => [kind, median(readings.get(kind)!)]));
}

/**
 * Resident memory each idle connection adds, on a freshly started server first read once it has
 * run `startMs` (see BenchProfile.idleStartMs).
 */
export async function idleGrowth(
  kind: ServerKind,
  databaseUrl: string,
  token: string,
  connections: number,
  startMs: number,
): Promise<number> {
  const server = await startServer(kind, { DATABASE_URL: databaseUrl }, { inspect: true });
  // Read after a full collection, so the figure is what the connections keep, not garbage.
  const rss = () => settledRss(server);
  try {
    await settle(startMs);
    const before = await rss();
    const url = kind === 'chat' ? `${server.wsUrl}?token=${token}` : server.wsUrl;
    const sockets = await openSockets(() => url, connections);
    await settle(2_000);
    const after = await rss();
    await closeSockets(sockets);
    return (after - before) / connections;
  } finally {
    await stopServer(server);
  }
}

function settle(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
