import { performance } from 'node:perf_hooks';
// The SDK's own backoff (not exported by @chat/client), so the bench's sockets come back as its
// clients would.
import { BackoffOptions, DEFAULT_BACKOFF, reconnectDelay } from '../../../libs/client/src/backoff';
import { StackSocket } from './stack-socket';
import { percentiles } from './stats';

/** One connection attempt, the handshake through nginx to the last answer: the SDK's default. */
export const ATTEMPT_TIMEOUT_MS = 15_000;
/** With the SDK's default backoff, 12 attempts wait at most about 85 s in all (and time out at 15 s each). */
const MAX_ATTEMPTS = 12;

export const RECONNECT_BACKOFF: BackoffOptions = DEFAULT_BACKOFF;

/** One socket's way back after a drop. */
export interface Reconnection {
  droppedAt: number;
  /** When its resume was acknowledged; undefined while it has not come back. */
  recoveredAt?: number;
  attempts: number;
}

/**
 * Brings each dropped socket back as the SDK does: after a wait of a random share of a ceiling
 * that doubles with each failed attempt (full jitter), a new connection that authenticates and
 * resumes the general room from the last seq the socket saw.
 */
export class Reconnector {
  readonly reconnections: Reconnection[] = [];
  private stopped = false;

  /** `maxDrops` bounds the drops it brings back (a socket cut again and again is not chased). */
  constructor(
    private readonly maxDrops: number,
    private readonly random: () => number = Math.random,
  ) {}

  dropped(socket: StackSocket): void {
    const reconnection: Reconnection = { droppedAt: performance.now(), attempts: 0 };
    this.reconnections.push(reconnection);
    if (this.reconnections.length <= this.maxDrops) void this.bringBack(socket, reconnection);
  }

  /** Sockets dropped and not back yet. */
  get pending(): number {
    return this.reconnections.filter((r) => r.recoveredAt === undefined).length;
  }

  /** No attempt starts after this (the sockets are about to be closed). */
  stop(): void {
    this.stopped = true;
  }

  private async bringBack(socket: StackSocket, reconnection: Reconnection): Promise<void> {
    while (reconnection.attempts < MAX_ATTEMPTS) {
      const delay = reconnectDelay(reconnection.attempts, RECONNECT_BACKOFF, this.random());
      await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.stopped) return;
      reconnection.attempts++;
      try {
        await socket.connect(ATTEMPT_TIMEOUT_MS, true);
        reconnection.recoveredAt = performance.now();
        return;
      } catch {
        // refused or cut: the next attempt, after a longer wait
      }
    }
  }
}

/** The sockets' way back, timed from `since` (the kill): each socket's time, and the attempts. */
export interface RecoveryFigures {
  dropped: number;
  recovered: number;
  /** Each recovered socket's time from `since` to its resume's ack, in ms. */
  p50Ms: number;
  p99Ms: number;
  /** The last socket's: the time for all of them to come back (when all did). */
  maxMs: number;
  /** Attempts after the first, over all the sockets. */
  retries: number;
}

export function recoveryFigures(reconnections: Reconnection[], since: number): RecoveryFigures {
  const back = reconnections.filter((r) => r.recoveredAt !== undefined);
  const times = percentiles(back.map((r) => r.recoveredAt! - since));
  return {
    dropped: reconnections.length,
    recovered: back.length,
    p50Ms: times.p50,
    p99Ms: times.p99,
    maxMs: times.max,
    retries: reconnections.reduce((sum, r) => sum + Math.max(0, r.attempts - 1), 0),
  };
}
