/**
 * The last number seen per room: what `resume` starts from, and how a change that already came is
 * told from a new one. The server sends every change of a room once and in order on one socket,
 * but a replay after a reconnect may overlap what came live before the drop.
 */
export class RoomCursors {
  private readonly last = new Map<number, number>();

  /** Follows a room from `seq` on, unless it is followed from further on already. */
  follow(roomId: number, seq: number): void {
    this.last.set(roomId, Math.max(seq, this.last.get(roomId) ?? 0));
  }

  forget(roomId: number): void {
    this.last.delete(roomId);
  }

  has(roomId: number): boolean {
    return this.last.has(roomId);
  }

  get(roomId: number): number | undefined {
    return this.last.get(roomId);
  }

  /**
   * What the change numbered `seq` is: new (and now the last seen), a repeat, or after a gap (some
   * change before it has not come).
   */
  accept(roomId: number, seq: number): 'new' | 'repeat' | 'gap' {
    const last = this.last.get(roomId);
    if (last !== undefined && seq <= last) return 'repeat';
    if (last !== undefined && seq > last + 1) return 'gap';
    this.last.set(roomId, seq);
    return 'new';
  }

  /** The server moved the room on without replaying it (`recovered: false`). */
  skipTo(roomId: number, seq: number): void {
    this.last.set(roomId, seq);
  }

  /** `resume`'s rooms field: every followed room and its last number. */
  resumePoints(): Record<string, number> {
    return Object.fromEntries(this.last);
  }
}
