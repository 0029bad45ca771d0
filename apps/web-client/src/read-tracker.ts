import type { ChatClient } from '@chat/client';

/** The marker is sent at most this often per room while messages keep coming. */
const READ_EVERY_MS = 1_000;

export interface ReadTrackerContext {
  client: Pick<ChatClient, 'markRead' | 'lastSeq' | 'store'>;
  /** The room on screen, and whether its newest messages are in view. */
  current(): { roomId: number; seesNewest: boolean } | undefined;
  /** A marker the server refused to move (the room was left meanwhile, say). */
  failed(error: unknown): void;
}

/**
 * Moves the read marker of the room on screen up to its newest change when the user can see its
 * newest messages: the list scrolled to its end, the page visible and the window focused. Asked on
 * every chance (a message shown, a scroll, focus). The marker moves here at once; the server is
 * told at once, then at most once a second per room (what was seen meanwhile goes at the end of
 * the second, even if the user has left the room by then).
 */
export class ReadTracker {
  /** The number seen and not yet sent, per room. */
  private readonly due = new Map<number, number>();
  private readonly waiting = new Map<number, ReturnType<typeof setTimeout>>();
  private readonly sentAt = new Map<number, number>();
  private readonly recheck = () => this.check();

  constructor(private readonly context: ReadTrackerContext) {
    window.addEventListener('focus', this.recheck);
    document.addEventListener('visibilitychange', this.recheck);
  }

  stop(): void {
    window.removeEventListener('focus', this.recheck);
    document.removeEventListener('visibilitychange', this.recheck);
    this.waiting.forEach((timer) => clearTimeout(timer));
    this.waiting.clear();
  }

  check(): void {
    const current = this.context.current();
    if (!current?.seesNewest || document.visibilityState !== 'visible' || !document.hasFocus()) {
      return;
    }
    const { client } = this.context;
    const { roomId } = current;
    const seq = client.lastSeq(roomId);
    if (seq === undefined || seq <= (client.store.room(roomId)?.lastReadSeq ?? 0)) return;
    client.store.markRead(roomId, seq);
    this.due.set(roomId, seq);
    if (this.waiting.has(roomId)) return;
    const wait = (this.sentAt.get(roomId) ?? -Infinity) + READ_EVERY_MS - Date.now();
    if (wait <= 0) return this.send(roomId);
    this.waiting.set(
      roomId,
      setTimeout(() => {
        this.waiting.delete(roomId);
        this.send(roomId);
      }, wait),
    );
  }

  private send(roomId: number): void {
    const seq = this.due.get(roomId);
    if (seq === undefined) return;
    this.due.delete(roomId);
    this.sentAt.set(roomId, Date.now());
    this.context.client.markRead(roomId, seq).catch(this.context.failed);
  }
}
