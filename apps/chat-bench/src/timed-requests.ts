import { fork } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { httpRequest } from './http-client';
import { Percentiles, percentiles } from './stats';

/** One request to time, as data, so that another process can send it. */
export interface TimedRequest {
  baseUrl: string;
  method: 'GET' | 'POST';
  path: string;
  headers?: Record<string, string>;
  body?: object;
  /** POST /routers/load's body instead: `{ id_message }`, drawn from 1 to this for each request. */
  randomMessageIdUpTo?: number;
}

export interface TimingSpec {
  requests: Record<string, TimedRequest>;
  /** Requests of each kind in a round, and in the warm-up before the rounds. */
  perRound: number;
  rounds: number;
}

/** Each request's percentiles, one entry per round. */
export type TimedRounds = Record<string, Percentiles[]>;

type ChildAnswer = { rounds: TimedRounds } | { error: string };

const TIMING_PROCESS = join(__dirname, 'timing-process.ts');

/**
 * Times the requests from a process of its own, started for this: timed from the bench's own
 * process, after the earlier phases (thousands of sockets), the newest pages' p99 read more than
 * twice what a fresh process reads (see the report's history prose).
 */
export function timeInOwnProcess(spec: TimingSpec): Promise<TimedRounds> {
  const child = fork(TIMING_PROCESS, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<TimedRounds>((resolve, reject) => {
    child.once('message', (answer: ChildAnswer) =>
      'rounds' in answer ? resolve(answer.rounds) : reject(new Error(answer.error)),
    );
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the timing process exited (${code})`)));
    child.send(spec);
  }).finally(() => child.kill());
}

/**
 * A warm-up, then `rounds` rounds, each timing `perRound` of every request in turn, one at a
 * time over one kept-alive connection per server.
 */
export async function timeRounds(spec: TimingSpec): Promise<TimedRounds> {
  const kinds = Object.entries(spec.requests);
  const time = async (request: TimedRequest) => {
    const samples: number[] = [];
    for (let i = 0; i < spec.perRound; i++) {
      const start = performance.now();
      await send(request);
      samples.push(performance.now() - start);
    }
    return percentiles(samples);
  };
  for (const [, request] of kinds) await time(request);
  const rounds: TimedRounds = Object.fromEntries(kinds.map(([name]) => [name, []]));
  for (let round = 0; round < spec.rounds; round++) {
    for (const [name, request] of kinds) rounds[name].push(await time(request));
  }
  return rounds;
}

function send(request: TimedRequest): Promise<void> {
  const body =
    request.randomMessageIdUpTo === undefined
      ? request.body
      : { id_message: 1 + Math.floor(Math.random() * request.randomMessageIdUpTo) };
  return httpRequest(request.baseUrl, request.method, request.path, body, request.headers);
}
