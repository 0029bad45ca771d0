import type { PresenceStatus } from '@chat/protocol';

/** How often the presence changes gathered for each socket are sent. */
export const PRESENCE_FLUSH_MS = 250;
/** A room's online count goes out at most once in this time. */
export const COUNT_INTERVAL_MS = 1_000;
/** Past this many rooms remembered, those whose count went out long enough ago are forgotten. */
const MAX_COUNTS_REMEMBERED = 10_000;

/**
 * Gathers presence for sending: per recipient each user's latest status only, so a thousand users
 * connecting at once cost each socket one frame per user per flush rather than one per change;
 * and per room its latest online count, let out at most once each COUNT_INTERVAL_MS and only when
 * it differs from the count last sent. What a recipient could not be sent (it had fallen behind)
 * is put back, still one status per user, and the rooms whose count it missed are owed to it.
 * Times (`now`) are from a monotonic clock (performance.now()), which no clock change moves.
 */
export class PresenceCoalescer<Recipient> {
  private statuses = new Map<Recipient, Map<number, PresenceStatus>>();
  private readonly counts = new Map<number, number>();
  private readonly countsSent = new Map<number, { at: number; online: number }>();
  private owed = new Map<Recipient, Set<number>>();

  get pending(): boolean {
    return this.statuses.size > 0 || this.counts.size > 0 || this.owed.size > 0;
  }

  status(recipient: Recipient, userId: number, status: PresenceStatus): void {
    const users = this.statuses.get(recipient);
    if (users) users.set(userId, status);
    else this.statuses.set(recipient, new Map([[userId, status]]));
  }

  /** Statuses taken but not sent, for the next flush; a newer one gathered meanwhile stays. */
  putBack(recipient: Recipient, statuses: Iterable<[number, PresenceStatus]>): void {
    let users = this.statuses.get(recipient);
    if (!users) this.statuses.set(recipient, (users = new Map()));
    for (const [userId, status] of statuses) if (!users.has(userId)) users.set(userId, status);
    if (users.size === 0) this.statuses.delete(recipient);
  }

  /** The recipient missed these rooms' counts: it is to be sent them once it can. */
  owe(recipient: Recipient, roomIds: Iterable<number>): void {
    let rooms = this.owed.get(recipient);
    if (!rooms) this.owed.set(recipient, (rooms = new Set()));
    for (const roomId of roomIds) rooms.add(roomId);
    if (rooms.size === 0) this.owed.delete(recipient);
  }

  /** The counts owed to each recipient; then forgotten. */
  takeOwed(): Map<Recipient, Set<number>> {
    const owed = this.owed;
    this.owed = new Map();
    return owed;
  }

  count(roomId: number, online: number): void {
    this.counts.set(roomId, online);
  }

  /** What each recipient is to be told, each user once with the latest status; then forgotten. */
  takeStatuses(): Map<Recipient, Map<number, PresenceStatus>> {
    const statuses = this.statuses;
    this.statuses = new Map();
    return statuses;
  }

  /**
   * The rooms whose count may go out now, with the latest count gathered; rooms whose count went
   * out less than COUNT_INTERVAL_MS ago stay gathered.
   */
  takeCounts(now: number): Map<number, number> {
    const due = new Map<number, number>();
    for (const [roomId, online] of this.counts) {
      const sent = this.countsSent.get(roomId);
      if (sent && now - sent.at < COUNT_INTERVAL_MS) continue;
      due.set(roomId, online);
      this.counts.delete(roomId);
    }
    return due;
  }

  /** Whether a room's count is to be sent (it is not the one last sent); if so, it counts as sent. */
  sendCount(roomId: number, online: number, now: number): boolean {
    if (this.countsSent.get(roomId)?.online === online) return false;
    if (this.countsSent.size >= MAX_COUNTS_REMEMBERED) this.forgetCountsBefore(now);
    this.countsSent.set(roomId, { at: now, online });
    return true;
  }

  private forgetCountsBefore(now: number): void {
    for (const [roomId, sent] of this.countsSent) {
      if (now - sent.at >= COUNT_INTERVAL_MS) this.countsSent.delete(roomId);
    }
  }
}
