import { RoomEvent } from '@chat/events';

/** What the sequencer needs from its owner. */
export interface SequencerHooks {
  /** A room's next change, in order, once. */
  emit(event: RoomEvent): void;
  /** The stored changes of a room numbered in (afterSeq, upToSeq], in order. */
  read(roomId: number, afterSeq: number, upToSeq: number): Promise<RoomEvent[]>;
  /** Numbers given up on: they could not be read in time, or were too many to read. */
  skipped(roomId: number, afterSeq: number, upToSeq: number): void;
}

export interface SequencerOptions {
  /** How long a gap may wait for its changes to arrive on the bus before they are read. */
  gapWaitMs: number;
  /** How long a gap that cannot be read (the database is away) holds its room back. */
  giveUpMs: number;
  /** The most numbers one fill reads; a larger gap is skipped. */
  maxFill: number;
}

interface RoomState {
  delivered: number;
  pending: Map<number, RoomEvent>;
  /** The newest number known to exist (seen on the bus or in the database). */
  wanted: number;
  timer?: NodeJS.Timeout;
  filling: boolean;
  /** When the oldest unfilled gap was first seen. */
  gapSince?: number;
}

/**
 * Passes each followed room's changes on exactly once and in number order, whatever order the bus
 * brings them in (instances publish on their own, and Redis may have been away from one of them).
 * A number that does not arrive within gapWaitMs is read from the database; so is what a sweep
 * (after the bus was away) finds stored but not passed on.
 */
export class RoomSequencer {
  private readonly rooms = new Map<number, RoomState>();

  constructor(
    private readonly hooks: SequencerHooks,
    private readonly options: SequencerOptions,
  ) {}

  isFollowing(roomId: number): boolean {
    return this.rooms.has(roomId);
  }

  /** The newest number of the room passed on, when it is followed. */
  passedOn(roomId: number): number | undefined {
    return this.rooms.get(roomId)?.delivered;
  }

  followedRooms(): number[] {
    return [...this.rooms.keys()];
  }

  /** Follows a room whose changes up to `seq` need not be passed on; no-op when followed. */
  follow(roomId: number, seq: number): void {
    if (!this.rooms.has(roomId)) {
      this.rooms.set(roomId, { delivered: seq, pending: new Map(), wanted: seq, filling: false });
    }
  }

  unfollow(roomId: number): void {
    clearTimeout(this.rooms.get(roomId)?.timer);
    this.rooms.delete(roomId);
  }

  /** Takes a change from the bus: passed on now, held for an earlier one, or dropped as a repeat. */
  accept(event: RoomEvent): void {
    const room = this.rooms.get(event.roomId);
    if (!room || event.seq <= room.delivered || room.pending.has(event.seq)) return;
    room.wanted = Math.max(room.wanted, event.seq);
    if (event.seq === room.delivered + 1) {
      room.delivered = event.seq;
      this.hooks.emit(event);
      this.passOn(event.roomId, room);
      return;
    }
    room.pending.set(event.seq, event);
    room.gapSince ??= Date.now();
    this.fillSoon(event.roomId, room, this.options.gapWaitMs);
  }

  /**
   * Fills each followed room up to its number in the database (`lastSeqs`); a room being filled
   * is filled further once that fill is done.
   */
  sweep(lastSeqs: Map<number, number>): void {
    for (const [roomId, lastSeq] of lastSeqs) {
      const room = this.rooms.get(roomId);
      if (!room || lastSeq <= room.delivered) continue;
      room.wanted = Math.max(room.wanted, lastSeq);
      room.gapSince ??= Date.now();
      if (!room.filling) void this.fill(roomId, room);
    }
  }

  stop(): void {
    for (const room of this.rooms.values()) clearTimeout(room.timer);
    this.rooms.clear();
  }

  private fillSoon(roomId: number, room: RoomState, delayMs: number): void {
    if (room.timer || room.filling) return;
    room.timer = setTimeout(() => {
      room.timer = undefined;
      void this.fill(roomId, room);
    }, delayMs);
    room.timer.unref();
  }

  /** Reads the changes after what was passed on up to the newest known, then passes them on. */
  private async fill(roomId: number, room: RoomState): Promise<void> {
    const from = room.delivered;
    const upTo = room.wanted;
    if (upTo <= from) return;
    if (upTo - from > this.options.maxFill) {
      return this.skip(roomId, room, this.heldFrom(room, upTo));
    }
    room.filling = true;
    let stored: RoomEvent[];
    try {
      stored = await this.hooks.read(roomId, from, upTo);
    } catch {
      room.filling = false;
      if (this.rooms.get(roomId) !== room) return;
      if (Date.now() - (room.gapSince ?? Date.now()) > this.options.giveUpMs) {
        return this.skip(roomId, room, this.heldFrom(room, upTo));
      }
      return this.fillSoon(roomId, room, this.options.gapWaitMs);
    }
    room.filling = false;
    if (this.rooms.get(roomId) !== room) return;
    for (const event of stored) {
      if (event.seq > room.delivered && event.seq <= upTo) room.pending.set(event.seq, event);
    }
    // Everything up to upTo is known now: a number with no change stored has none to pass on.
    while (room.delivered < upTo) {
      const next = room.pending.get(room.delivered + 1);
      room.delivered += 1;
      if (next) {
        room.pending.delete(next.seq);
        this.hooks.emit(next);
      }
    }
    this.passOn(roomId, room);
  }

  /** The number before the oldest change held, or `upTo` when none is held: what to skip to. */
  private heldFrom(room: RoomState, upTo: number): number {
    return room.pending.size > 0 ? Math.min(...room.pending.keys()) - 1 : upTo;
  }

  /** Gives up on the numbers up to `upTo` (none of them held): what follows is passed on. */
  private skip(roomId: number, room: RoomState, upTo: number): void {
    if (upTo > room.delivered) {
      this.hooks.skipped(roomId, room.delivered, upTo);
      room.delivered = upTo;
    }
    this.passOn(roomId, room);
  }

  /** Passes on the held changes that now follow in order; waits again if a gap remains. */
  private passOn(roomId: number, room: RoomState): void {
    for (
      let next = room.pending.get(room.delivered + 1);
      next;
      next = room.pending.get(room.delivered + 1)
    ) {
      room.pending.delete(next.seq);
      room.delivered = next.seq;
      this.hooks.emit(next);
    }
    if (room.pending.size === 0 && room.delivered >= room.wanted) {
      room.gapSince = undefined;
      clearTimeout(room.timer);
      room.timer = undefined;
    } else {
      room.gapSince ??= Date.now();
      this.fillSoon(roomId, room, this.options.gapWaitMs);
    }
  }
}
