import { TYPING_SHOWN_MS } from '@chat/protocol';

/**
 * Who is typing in each room: a user shows from their `typing` frame for TYPING_SHOWN_MS, longer
 * when they repeat it, and no more once their message comes.
 */
export class TypingBoard {
  private readonly rooms = new Map<number, Map<number, ReturnType<typeof setTimeout>>>();

  constructor(private readonly changed: (roomId: number) => void) {}

  /** The users typing in the room, in the order they started. */
  typing(roomId: number): number[] {
    return [...(this.rooms.get(roomId)?.keys() ?? [])];
  }

  started(roomId: number, userId: number): void {
    let room = this.rooms.get(roomId);
    if (!room) this.rooms.set(roomId, (room = new Map()));
    const known = room.has(userId);
    clearTimeout(room.get(userId));
    room.set(
      userId,
      setTimeout(() => this.stopped(roomId, userId), TYPING_SHOWN_MS),
    );
    if (!known) this.changed(roomId);
  }

  /** Their message came, or the time ran out; returns whether they were shown. */
  stopped(roomId: number, userId: number): boolean {
    const room = this.rooms.get(roomId);
    if (!room?.has(userId)) return false;
    clearTimeout(room.get(userId));
    room.delete(userId);
    if (room.size === 0) this.rooms.delete(roomId);
    this.changed(roomId);
    return true;
  }

  forget(roomId: number): void {
    for (const timer of this.rooms.get(roomId)?.values() ?? []) clearTimeout(timer);
    this.rooms.delete(roomId);
  }

  /** Forgets every room, its timers included (the client closed). */
  clear(): void {
    for (const roomId of [...this.rooms.keys()]) {
      this.forget(roomId);
      this.changed(roomId);
    }
  }
}
