/** A socket may change its presence status this many times at once ... */
export const STATUS_BURST = 5;
/** ... and once more each this long after (5 each 10 s). */
export const STATUS_REFILL_MS = 2_000;

/**
 * A token bucket per socket for `presence` frames: each may set off a read of the user's rooms, a
 * script in the store and an event on the bus, so a client toggling its status in a loop must not
 * get them at the rate it sends. A socket's bucket goes with the socket.
 */
export class StatusLimit<Socket extends object> {
  private readonly buckets = new WeakMap<Socket, { tokens: number; at: number }>();

  /** Takes one change from the socket's allowance; false when it is spent. */
  take(socket: Socket, now: number): boolean {
    const bucket = this.buckets.get(socket) ?? { tokens: STATUS_BURST, at: now };
    bucket.tokens = Math.min(STATUS_BURST, bucket.tokens + (now - bucket.at) / STATUS_REFILL_MS);
    bucket.at = now;
    this.buckets.set(socket, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
