/** How long to wait before reconnecting: exponential backoff with full jitter. */
export interface BackoffOptions {
  /** The ceiling of the first wait, in ms (default 500). */
  initialDelayMs: number;
  /** The ceiling never grows past this, in ms (default 10,000). */
  maxDelayMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialDelayMs: 500, maxDelayMs: 10_000 };

/**
 * The wait before reconnect attempt `attempt` (0 for the first after a drop): a random share of a
 * ceiling that doubles with each failed attempt. The randomness spreads out the clients of an
 * instance that went down, so they do not all come back in the same millisecond.
 */
export function reconnectDelay(attempt: number, options: BackoffOptions, random: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.initialDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(ceiling * Math.min(Math.max(random, 0), 1));
}
