import { BenchProfile } from './bench-profile';
import { fanoutSearch } from './fanout';
import { FanoutStep, highestPassing } from './fanout-step';
import { startServer, stopServer } from './servers';

/** The fan-out search again, the sockets spread over two chat instances joined by Redis. */
export async function scaleOutFanout(
  databaseUrl: string,
  tokens: string[],
  profile: BenchProfile,
): Promise<{ results: number[]; lastSteps: FanoutStep[] }> {
  const redis = {
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `chat-bench-${process.pid}:`,
  };
  const pair = [await startServer('chat', redis), await startServer('chat', redis)];
  try {
    const results: number[] = [];
    let lastSteps: FanoutStep[] = [];
    for (let round = 0; round < profile.rounds; round++) {
      lastSteps = await fanoutSearch(pair, profile, tokens);
      results.push(highestPassing(lastSteps));
    }
    return { results, lastSteps };
  } finally {
    for (const server of pair) await stopServer(server);
  }
}
