/**
 * After a replay, a live copy of a message it carried may still arrive (stored before the replay
 * read it, broadcast after): for this long such copies are dropped.
 */
export const REPLAY_REPEAT_GRACE_MS = 5_000;

interface HeldFrame {
  data: Buffer;
  messageId?: number;
}

/**
 * One resume of a connection. While the stored messages are replayed, live broadcasts are held
 * back; once released they follow the replay, less the messages it carried, and for a grace
 * period live copies of those messages are still dropped.
 */
export class ReplayHold {
  private held: HeldFrame[] | null = [];
  private heldBytes = 0;
  private readonly replayed = new Set<number>();
  private repeatsUntil = Infinity;

  constructor(
    /** The messages the socket already got live, when known: the replay leaves them out. */
    private readonly sentLive: ReadonlySet<number> | null,
    private readonly maxHeldBytes: number,
  ) {}

  /** Whether live broadcasts are held back (the replay is under way). */
  get holding(): boolean {
    return this.held !== null;
  }

  /** Keeps a live frame for after the replay; false once what is held passes the bound. */
  hold(data: Buffer, messageId?: number): boolean {
    this.held!.push({ data, messageId });
    this.heldBytes += data.length;
    return this.heldBytes <= this.maxHeldBytes;
  }

  /** Whether the replay is to send this stored message: not when the socket has it already. */
  admit(messageId: number): boolean {
    if (this.replayed.has(messageId) || this.sentLive?.has(messageId)) return false;
    this.replayed.add(messageId);
    return true;
  }

  /** Ends the holding: the frames held, less the messages the replay carried, in arrival order. */
  release(now: number): Buffer[] {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    this.repeatsUntil = now + REPLAY_REPEAT_GRACE_MS;
    return held
      .filter((frame) => frame.messageId === undefined || !this.replayed.has(frame.messageId))
      .map((frame) => frame.data);
  }

  /** Whether the grace period after the release is over: the hold has nothing left to do. */
  isOver(now: number): boolean {
    return now > this.repeatsUntil;
  }

  /** Whether a live message is one the replay already carried. */
  repeats(messageId: number): boolean {
    return this.replayed.has(messageId);
  }
}
