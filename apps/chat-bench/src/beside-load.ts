import { fork } from 'node:child_process';
import { join } from 'node:path';

// What a chat server's rooms latency step put on the machine besides the load generator's work:
// its inserts (statements per second, rows in each) and its server's CPU beyond the coalescing
// baseline's at the same load. Given to the baseline's step as a process beside it
// (beside-load-process.ts), it tells how much of the chat's latency is the machine being that
// busy, whichever process makes it so.

/** The coalescing baseline's rooms latency step with the chat step's load beside it. */
export const LOADED_BASELINE = 'coalescing, chat load beside';

export interface BesideLoadSpec {
  databaseUrl: string;
  statementsPerSecond: number;
  /** Mean rows per statement. */
  rowsPerStatement: number;
  /** The share of one core the process keeps busy, its inserts' own work included. */
  cpuShare: number;
}

export interface BesideLoadTotals {
  /** The statements due at the rate asked by the last time one could start, and those answered. */
  due: number;
  statements: number;
  failed: number;
  /** The process's CPU and the time it ran, from its start to the stop. */
  cpuSeconds: number;
  seconds: number;
}

export type BesideLoadReply =
  | { type: 'ready' }
  | { type: 'stopped'; totals: BesideLoadTotals }
  | { type: 'error'; message: string };

/** What the chat's latency step did, as the bench reads it. */
export interface ChatStepLoad {
  /**
   * Its server's insert statements and stored messages (from /metrics) over its sending phase,
   * from its first message until every delivery came, and that phase's length.
   */
  inserts: number;
  stored: number;
  seconds: number;
  /** Its server's and the baseline's CPU while their steps sent, each a share of one core. */
  chatServerCpu: number;
  baselineServerCpu: number;
}

/** The load to put beside the baseline to make the machine as busy as the chat's step made it. */
export function besideLoadSpec(databaseUrl: string, chat: ChatStepLoad): BesideLoadSpec {
  return {
    databaseUrl,
    statementsPerSecond: chat.inserts / chat.seconds,
    rowsPerStatement: chat.inserts > 0 ? chat.stored / chat.inserts : 0,
    cpuShare: Math.max(0, chat.chatServerCpu - chat.baselineServerCpu),
  };
}

/** Below this share of what was asked (statements, CPU), the load fell short. */
const SHORT = 0.9;

/** Why these totals do not stand for the load asked, or null. */
export function besideLoadFault(spec: BesideLoadSpec, totals: BesideLoadTotals): string | null {
  if (totals.failed > 0) return `${totals.failed} of its inserts failed`;
  if (totals.statements < SHORT * totals.due)
    return `its inserts fell behind: ${totals.statements} of ${totals.due} due`;
  const share = totals.cpuSeconds / totals.seconds;
  if (share < SHORT * spec.cpuShare)
    return `it kept ${Math.round(share * 100)}% of a core busy, not ${Math.round(spec.cpuShare * 100)}%`;
  return null;
}

export interface BesideLoad {
  /**
   * Stops the load once its inserts in flight are answered: why it did not stand for the load
   * asked (fell short, or its process failed), or null.
   */
  stop(): Promise<string | null>;
}

const ANSWER_TIMEOUT_MS = 30_000;

/** Starts the load in a child process; resolves once it runs. */
export async function startBesideLoad(spec: BesideLoadSpec): Promise<BesideLoad> {
  const child = fork(join(__dirname, 'beside-load-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  let gone: string | null = null;
  const ended = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      gone = `its process exited (${signal ?? code})`;
      resolve();
    });
  });
  // A failed send (the process gone meanwhile) is told by the exit, not thrown.
  child.on('error', () => undefined);
  const answer = () =>
    new Promise<BesideLoadReply | null>((resolve) => {
      const timer = setTimeout(() => resolve(null), ANSWER_TIMEOUT_MS);
      child.once('message', (reply: BesideLoadReply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      void ended.then(() => {
        clearTimeout(timer);
        resolve(null);
      });
    });
  const send = (message: BesideLoadSpec | 'stop') => {
    if (child.connected) child.send(message);
  };
  const ready = answer();
  send(spec);
  const started = await ready;
  if (started?.type !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(`it did not start: ${describe(started, gone)}`);
  }
  return {
    stop: async () => {
      const stopped = answer();
      send('stop');
      const reply = await stopped;
      if (reply?.type !== 'stopped') {
        child.kill('SIGKILL');
        return describe(reply, gone);
      }
      // It exits once the answer is sent; one that does not is not left running.
      const exit = setTimeout(() => child.kill('SIGKILL'), ANSWER_TIMEOUT_MS);
      await ended;
      clearTimeout(exit);
      return besideLoadFault(spec, reply.totals);
    },
  };
}

function describe(reply: BesideLoadReply | null, gone: string | null): string {
  if (reply?.type === 'error') return reply.message;
  return gone ?? 'its process did not answer';
}
