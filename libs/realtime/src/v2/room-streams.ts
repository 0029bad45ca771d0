interface HeldFrame {
  data: Buffer;
  seq: number;
}

/**
 * What one v2 socket has been sent of a room: every change numbered in (liveFrom, sent] (the
 * instance passes a room's changes on in order, so what a socket got since it joined is one
 * unbroken run), and while a resume replays the room, the live frames held back meanwhile.
 */
interface RoomStream {
  roomId: number;
  liveFrom: number;
  sent: number;
  held: HeldFrame[] | null;
}

/** What a live frame for a room is to do on this socket. */
export type LiveVerdict = 'send' | 'skip' | 'held' | 'overflow';

/** The rooms of one v2 socket and how far it has been sent each (see RoomStream). */
export class RoomStreams {
  /**
   * The socket's room while it is in one at most (most sockets: the general room alone), without
   * a map, which would cost every idle socket some 200 bytes more; `many` from a second room on.
   */
  private one: RoomStream | null = null;
  private many: Map<number, RoomStream> | null = null;
  private heldBytes = 0;

  constructor(private readonly maxHeldBytes: number) {}

  has(roomId: number): boolean {
    return this.stream(roomId) !== undefined;
  }

  roomIds(): number[] {
    if (this.many) return [...this.many.keys()];
    return this.one ? [this.one.roomId] : [];
  }

  /** The socket is in the room from change `seq` on: it gets the changes after it. */
  open(roomId: number, seq: number): void {
    if (this.has(roomId)) return;
    const stream: RoomStream = { roomId, liveFrom: seq, sent: seq, held: null };
    if (this.many) this.many.set(roomId, stream);
    else if (!this.one) this.one = stream;
    else {
      this.many = new Map([
        [this.one.roomId, this.one],
        [roomId, stream],
      ]);
      this.one = null;
    }
  }

  close(roomId: number): void {
    const stream = this.stream(roomId);
    if (!stream) return;
    if (stream.held) for (const frame of stream.held) this.heldBytes -= frame.data.length;
    if (this.many) this.many.delete(roomId);
    else this.one = null;
  }

  /** Whether a live change is sent now, skipped (sent already), or held for after a replay. */
  admitLive(roomId: number, seq: number, data: Buffer): LiveVerdict {
    const stream = this.stream(roomId);
    if (!stream) return 'skip';
    if (stream.held) {
      stream.held.push({ data, seq });
      this.heldBytes += data.length;
      return this.heldBytes <= this.maxHeldBytes ? 'held' : 'overflow';
    }
    if (seq <= stream.sent) return 'skip';
    stream.sent = seq;
    return 'send';
  }

  /** A resume of the room begins: live changes are held until it ends. */
  startReplay(roomId: number): void {
    const stream = this.stream(roomId);
    if (stream) stream.held ??= [];
  }

  /**
   * Whether a replayed change is to be sent: not when the socket got it live already.
   * `afterSeq` is the client's point: it has everything up to it.
   */
  admitReplay(roomId: number, afterSeq: number, seq: number): boolean {
    const stream = this.stream(roomId);
    if (!stream || seq <= afterSeq) return false;
    if (seq > stream.liveFrom && seq <= stream.sent) return false;
    return true;
  }

  /**
   * Ends a replay that sent every change up to `replayedTo`: the socket now has everything from
   * `afterSeq` on; the held live frames it still lacks, in order.
   */
  finishReplay(roomId: number, afterSeq: number, replayedTo: number): Buffer[] {
    const stream = this.stream(roomId);
    if (!stream) return [];
    const held = stream.held ?? [];
    stream.held = null;
    stream.liveFrom = Math.min(stream.liveFrom, afterSeq);
    stream.sent = Math.max(stream.sent, replayedTo);
    const due: Buffer[] = [];
    for (const frame of held) {
      this.heldBytes -= frame.data.length;
      if (frame.seq <= stream.sent) continue;
      stream.sent = frame.seq;
      due.push(frame.data);
    }
    return due;
  }

  /** Ends a hold that replayed nothing (or was ended already): the held frames it lacks. */
  release(roomId: number): Buffer[] {
    const sent = this.stream(roomId)?.sent;
    return sent === undefined ? [] : this.finishReplay(roomId, sent, sent);
  }

  /**
   * After `recovered: false` the client reloads the room: from `lastSeq` on it is sent live, and
   * what was held meanwhile past it follows.
   */
  restartAt(roomId: number, lastSeq: number): Buffer[] {
    const stream = this.stream(roomId);
    if (!stream) return [];
    stream.liveFrom = lastSeq;
    stream.sent = Math.max(stream.sent, lastSeq);
    return this.finishReplay(roomId, lastSeq, stream.sent);
  }

  /** The last number sent in a room. */
  sentIn(roomId: number): number | undefined {
    return this.stream(roomId)?.sent;
  }

  private stream(roomId: number): RoomStream | undefined {
    if (this.many) return this.many.get(roomId);
    return this.one?.roomId === roomId ? this.one : undefined;
  }
}
