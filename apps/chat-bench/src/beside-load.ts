import { fork } from 'node:child_process';
import { join } from 'node:path';

/**
 * What a chat server's rooms latency step put on the machine besides the load generator's work:
 * its inserts (statements per second, rows in each) and its server's CPU beyond the coalescing
 * baseline's at the same load. Given to the baseline's step as a process beside it
 * (beside-load-process.ts), it tells how much of the chat's latency is the machine being that
 * busy, whichever process makes it so.
 */
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
  /** The statements due by the stop at the rate asked, and those answered. */
  due: number;
  statements: number;
  rows: number;
  failed: number;
  cpuSeconds: number;
}

export type BesideLoadReply =
  | { type: 'ready' }
  | { type: 'stopped'; totals: BesideLoadTotals }
  | { type: 'error'; message: string };

/** What the chat's latency step did, as the bench reads it. */
export interface ChatStepLoad {
  /** Its server's insert statements and stored messages over the step (from /metrics). */
  inserts: number;
  stored: number;
  durationMs: number;
  /** Its server's and the baseline's CPU while their steps sent, each a share of one core. */
  chatServerCpu: number;
  baselineServerCpu: number;
}

/** The load to put beside the baseline to make the machine as busy as the chat's step made it. */
export function besideLoadSpec(databaseUrl: string, chat: ChatStepLoad): BesideLoadSpec {
  return {
    databaseUrl,
    statementsPerSecond: chat.inserts / (chat.durationMs / 1000),
    rowsPerStatement: chat.inserts > 0 ? chat.stored / chat.inserts : 0,
    cpuShare: Math.max(0, chat.chatServerCpu - chat.baselineServerCpu),
  };
}

/** Less than this share of the statements due were answered: the load fell behind its rate. */
const BEHIND = 0.9;

/** Why these totals do not stand for the load asked, or null. */
export function besideLoadFault(totals: BesideLoadTotals): string | null {
  if (totals.failed > 0) return `${totals.failed} of the inserts beside the baseline failed`;
  if (totals.statements < BEHIND * totals.due)
    return `the inserts beside the baseline fell behind: ${totals.statements} of ${totals.due} due`;
  return null;
}

export interface BesideLoad {
  /** Stops the load, once its inserts in flight are answered. */
  stop(): Promise<BesideLoadTotals>;
}

const READY_TIMEOUT_MS = 30_000;

/** Starts the load in a child process; resolves once it runs. */
export function startBesideLoad(spec: BesideLoadSpec): Promise<BesideLoad> {
  const child = fork(join(__dirname, 'beside-load-process.ts'), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const next = () =>
    new Promise<BesideLoadReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error('The load beside the baseline did not answer'));
      }, READY_TIMEOUT_MS);
      const exited = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`The load beside the baseline exited (${code})`));
      };
      child.once('exit', exited);
      child.once('message', (reply: BesideLoadReply) => {
        clearTimeout(timer);
        child.off('exit', exited);
        if (reply.type === 'error')
          reject(new Error(`The load beside the baseline: ${reply.message}`));
        else resolve(reply);
      });
    });
  child.send(spec);
  return next().then(() => ({
    stop: async () => {
      const answer = next();
      child.send('stop');
      const reply = await answer;
      if (reply.type !== 'stopped')
        throw new Error(`The load beside the baseline said ${reply.type}`);
      return reply.totals;
    },
  }));
}
