/**
 * At most one typing notice per user and room each `intervalMs`: the rest are dropped with one map
 * lookup. Entries are kept in the order they were passed, so the expired ones are pruned from the
 * front as new ones come, and the map never holds more than `maxEntries` (the oldest go first).
 */
export class TypingThrottle {
  /** `${userId}:${roomId}` → when the notice passed, oldest first. */
  private readonly passed = new Map<string, number>();

  constructor(
    private readonly intervalMs: number,
    private readonly maxEntries = 100_000,
  ) {}

  get size(): number {
    return this.passed.size;
  }

  /** Whether this notice is passed on (and counted) or dropped; `now` from performance.now(). */
  pass(userId: number, roomId: number, now: number): boolean {
    const key = `${userId}:${roomId}`;
    const last = this.passed.get(key);
    if (last !== undefined && now - last < this.intervalMs) return false;
    this.passed.delete(key);
    this.prune(now);
    this.passed.set(key, now);
    return true;
  }

  private prune(now: number): void {
    for (const [key, at] of this.passed) {
      if (now - at < this.intervalMs && this.passed.size < this.maxEntries) return;
      this.passed.delete(key);
    }
  }
}
