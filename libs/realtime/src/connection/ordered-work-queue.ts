import type { WebSocket } from 'ws';

/**
 * Tasks waiting to be handled. At the high mark the socket is no longer read, so TCP slows the
 * sender down and the queue holds at most what ws had already read; it is read again once the
 * queue is down to the low mark.
 */
export const PAUSE_AT_WAITING = 32;
export const RESUME_AT_WAITING = 8;

/** One resolved promise for every queue to start from: an idle socket keeps none of its own. */
const SETTLED = Promise.resolve();

/** Told of a task that failed; the tasks behind it still run. */
export interface TaskFailureHandler {
  taskFailed(error: unknown): void;
}

/** One client's work (its frames, its sign-in), handled one task at a time in the order given. */
export class OrderedWorkQueue {
  private waiting = 0;
  private chain = SETTLED;

  constructor(
    private readonly socket: Pick<WebSocket, 'pause' | 'resume' | 'isPaused'>,
    private readonly failures: TaskFailureHandler,
  ) {}

  /** Tasks given and not yet finished, the running one included. */
  get size(): number {
    return this.waiting;
  }

  /** Whether the queue holds a promise of its own (only while tasks wait). */
  get idle(): boolean {
    return this.chain === SETTLED;
  }

  enqueue(task: () => Promise<void>): void {
    if (++this.waiting === PAUSE_AT_WAITING) this.socket.pause();
    this.chain = this.chain
      .then(task)
      .catch((error: unknown) => this.failures.taskFailed(error))
      .finally(() => {
        const waiting = --this.waiting;
        // Nothing after this task: the queue starts again from the shared promise, so an idle
        // socket keeps no settled promise of its own (with its async ids, some 100 bytes).
        if (waiting === 0) this.chain = SETTLED;
        else if (waiting === RESUME_AT_WAITING && this.socket.isPaused) this.socket.resume();
      });
  }
}
