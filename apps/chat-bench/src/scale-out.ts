import { BenchProfile } from './bench-profile';
import { DeliveryCost, deliveryCost } from './delivery-cost';
import { fanoutSearch } from './fanout';
import { FanoutStep, highestPassing } from './fanout-step';
import { redisVariables, RunningServer, startServer } from './servers';

export interface ScaleOut {
  /** The highest passing deliveries/s of the pair, each round. */
  results: number[];
  lastSteps: FanoutStep[];
  /** Server CPU per delivery: one instance (no Redis), then the pair's together, same load. */
  cost: DeliveryCost;
}

/** Two chat instances on one database, joined by Redis. */
export async function startPair(databaseUrl: string): Promise<RunningServer[]> {
  const redis = redisVariables(databaseUrl, 'pair');
  return [await startServer('chat', redis), await startServer('chat', redis)];
}

/**
 * The CPU per delivery of the pair against one instance (without Redis) at the same steady load;
 * then the fan-out search again, the sockets spread over the pair.
 */
export async function scaleOutFanout(
  one: RunningServer,
  pair: RunningServer[],
  tokens: string[],
  profile: BenchProfile,
): Promise<ScaleOut> {
  const cost = await deliveryCost(
    [
      { label: 'one instance', servers: [one], tokens },
      { label: 'two instances', servers: pair, tokens },
    ],
    profile.deliveryCost,
  );
  const results: number[] = [];
  let lastSteps: FanoutStep[] = [];
  for (let round = 0; round < profile.rounds; round++) {
    lastSteps = await fanoutSearch(pair, profile, tokens);
    results.push(highestPassing(lastSteps));
  }
  return { results, lastSteps, cost };
}
