/**
 * The last number seen per room: what `resume` starts from, and how a change that already came is
 * told from a new one. Every change of a room reaches the socket once and in order, so a number at
 * or below the last one seen is a repeat (a replay overlapping what a page or a resend showed).
 */
export class RoomSequence {
  private readonly last = new Map<number, number>();

  /** Starts following a room from `seq`, unless it is followed from further on already. */
  follow(roomId: number, seq: number): void {
    this.last.set(roomId, Math.max(seq, this.last.get(roomId) ?? 0));
  }

  forget(roomId: number): void {
    this.last.delete(roomId);
  }

  has(roomId: number): boolean {
    return this.last.has(roomId);
  }

  /** Whether the change numbered `seq` is new; if so it becomes the last seen. */
  accept(roomId: number, seq: number): boolean {
    const last = this.last.get(roomId);
    if (last !== undefined && seq <= last) return false;
    this.last.set(roomId, seq);
    return true;
  }

  /** The server moved the room on without replaying it (`recovered: false`). */
  skipTo(roomId: number, seq: number): void {
    this.last.set(roomId, seq);
  }

  resumePoints(): Record<string, number> {
    return Object.fromEntries(this.last);
  }
}
