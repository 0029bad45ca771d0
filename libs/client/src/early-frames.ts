import type { RoomFrame } from '@chat/protocol';
import type { RoomCursors } from './room-cursors';

/**
 * A change of a room the client could not read (a value this version of the protocol does not
 * know): it is never handed on, but it takes its number, so the changes after it are not held.
 */
export interface SkippedChange {
  type: 'skipped';
  room_id: number;
  seq: number;
}

export type SequencedFrame = RoomFrame | SkippedChange;

/**
 * Room changes that came before one they follow, kept until it comes. After a reconnect the
 * server may send a live change before its replay of older ones, and never sends that change
 * again on the socket: dropping it would lose it.
 */
export class EarlyFrames {
  private readonly rooms = new Map<number, Map<number, SequencedFrame>>();

  add(frame: SequencedFrame): void {
    let held = this.rooms.get(frame.room_id);
    if (!held) this.rooms.set(frame.room_id, (held = new Map()));
    held.set(frame.seq, frame);
  }

  /** Whether a room holds changes that still wait for an earlier one. */
  has(roomId: number): boolean {
    return this.rooms.has(roomId);
  }

  /** The held changes of a room that are now next in line, in order; repeats are dropped. */
  release(roomId: number, cursors: RoomCursors): SequencedFrame[] {
    const held = this.rooms.get(roomId);
    if (!held) return [];
    const due: SequencedFrame[] = [];
    for (const seq of [...held.keys()].sort((a, b) => a - b)) {
      const verdict = cursors.accept(roomId, seq);
      if (verdict === 'gap') break;
      if (verdict === 'new') due.push(held.get(seq)!);
      held.delete(seq);
    }
    if (held.size === 0) this.rooms.delete(roomId);
    return due;
  }

  /** The room is not followed any more: what it held goes. */
  forget(roomId: number): void {
    this.rooms.delete(roomId);
  }
}
