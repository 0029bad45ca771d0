import { UNREAD_LIMIT } from '@chat/protocol';
import type { RoomFrame, UnreadCounts } from '@chat/protocol';

/** What counting needs of one message the client saw. */
interface Seen {
  messageId: number;
  byOther: boolean;
  mentionsMe: boolean;
  /** The room's number of its deletion, once deleted. */
  deletedAt?: number;
}

/** The server's counts, exact as of the room's number `asOf`, with the marker at `marker` then. */
interface Exact {
  unread: number;
  mentions: number;
  marker: number;
  asOf: number;
}

type Tally = { unread: number; mentions: number };

/** What became of the server's counts given to `RoomCounts.setExact`. */
export type CountsVerdict = 'taken' | 'older' | 'stale';

/** Seen messages kept per room at most; past it the oldest half goes (see `forgetOldest`). */
const MAX_SEEN = 10_000;

/**
 * One room's unread and mention counts, kept as the server defines them: the messages after the
 * read marker, written by others, not deleted (mentions: those naming the user), both stopping at
 * UNREAD_LIMIT. The server's counts (`unread` frames, GET /api/v1/rooms) are exact as of a room
 * number; whatever they did not count yet the room's own changes bring, which the client hands on
 * once each and in order. Counts are derived on demand, never kept as a running counter that
 * could drift.
 */
export class RoomCounts {
  private marker = 0;
  private exact?: Exact;
  /** Every change after this number was seen (undefined: none yet). */
  private coveredFrom?: number;
  /** The newest number seen: a change, or the number the server's counts were taken at. */
  private newest = 0;
  private newestChange?: number;
  private readonly seen = new Map<number, Seen>();
  private readonly seqOf = new Map<number, number>();

  get lastReadSeq(): number {
    return this.marker;
  }

  /**
   * The server's counts as of `asOf`: `taken`; `older` than those held (an HTTP answer overtaken
   * by a frame), which changes nothing; or `stale`, older than the changes seen here start from
   * (an answer taken before the socket followed the room), which would miss the changes between:
   * only its marker is taken, and the caller asks for the counts again.
   */
  setExact(counts: UnreadCounts, asOf: number): CountsVerdict {
    const held = this.exact;
    if (held && (asOf < held.asOf || counts.last_read_seq < held.marker)) return 'older';
    if (this.coveredFrom !== undefined && asOf < this.coveredFrom) {
      this.moveMarker(counts.last_read_seq);
      return 'stale';
    }
    this.exact = {
      unread: counts.unread,
      mentions: counts.mentions,
      marker: counts.last_read_seq,
      asOf,
    };
    this.newest = Math.max(this.newest, asOf);
    this.marker = Math.max(this.marker, counts.last_read_seq);
    this.prune();
    return 'taken';
  }

  /** The room's changes after `seq` come from now on (unless changes after it were seen). */
  follow(seq: number): void {
    if (this.newestChange !== undefined && seq <= this.newestChange) return;
    this.coveredFrom = seq;
    this.newestChange = seq;
    this.newest = Math.max(this.newest, seq);
  }

  /**
   * Moves the marker on (never back), up to the newest number known when `clamp` (the server
   * stops at the room's last number too); returns whether it moved.
   */
  moveMarker(seq: number, clamp = false): boolean {
    const to = clamp ? Math.min(seq, this.newest) : seq;
    if (to <= this.marker) return false;
    this.marker = to;
    this.prune();
    return true;
  }

  /** A change of the room, each once and in number order. */
  apply(frame: RoomFrame, me: number | undefined): void {
    if (this.newestChange === undefined || frame.seq !== this.newestChange + 1) {
      // The first change seen, or one after changes never seen (not followed meanwhile).
      this.coveredFrom = frame.seq - 1;
    }
    this.newestChange = frame.seq;
    this.newest = Math.max(this.newest, frame.seq);
    if (frame.type === 'message.new') {
      const { message } = frame;
      this.seen.set(frame.seq, {
        messageId: message.message_id,
        byOther: message.user_id !== me,
        mentionsMe: me !== undefined && message.mentions.includes(me),
      });
      this.seqOf.set(message.message_id, frame.seq);
      if (this.seen.size > MAX_SEEN) this.forgetOldest();
    } else if (frame.type === 'message.deleted') {
      const seen = this.seenMessage(frame.message_id);
      if (seen) seen.deletedAt = frame.seq;
    } else if (frame.type === 'message.updated' && frame.mentions) {
      const seen = this.seenMessage(frame.message_id);
      if (seen) seen.mentionsMe = me !== undefined && frame.mentions.includes(me);
    }
  }

  private seenMessage(messageId: number): Seen | undefined {
    const seq = this.seqOf.get(messageId);
    return seq === undefined ? undefined : this.seen.get(seq);
  }

  /** The room's history has a hole (`recovered: false` up to `lastSeq`): what was seen goes. */
  reset(lastSeq: number): void {
    this.seen.clear();
    this.seqOf.clear();
    this.coveredFrom = lastSeq;
    this.newestChange = lastSeq;
    this.newest = Math.max(this.newest, lastSeq);
  }

  counts(): UnreadCounts {
    const tally = this.exact ? this.fromExact(this.exact) : this.after(this.marker, Infinity);
    return {
      unread: Math.min(tally.unread, UNREAD_LIMIT),
      mentions: Math.min(tally.mentions, UNREAD_LIMIT),
      last_read_seq: this.marker,
    };
  }

  /** The server's counts, less what the marker passed since, plus the messages after them. */
  private fromExact(exact: Exact): Tally {
    const tail = this.after(Math.max(this.marker, exact.asOf), Infinity);
    if (this.marker >= exact.asOf) return tail;
    let head: Tally;
    if (this.covers(this.marker, exact.asOf)) {
      // Every message between the marker and asOf was seen: count them as they are now.
      head = this.after(this.marker, exact.asOf);
    } else {
      // Take out of the server's counts what the client knows left them since.
      const passed = this.between(
        exact.marker,
        this.marker,
        (seen) => !isDeleted(seen, exact.asOf),
      );
      const deleted = this.between(
        this.marker,
        exact.asOf,
        (seen) => seen.deletedAt !== undefined && seen.deletedAt > exact.asOf,
      );
      head = {
        unread: Math.max(0, exact.unread - passed.unread - deleted.unread),
        mentions: Math.max(0, exact.mentions - passed.mentions - deleted.mentions),
      };
    }
    return { unread: head.unread + tail.unread, mentions: head.mentions + tail.mentions };
  }

  /** Whether every change in (from, to] was seen. */
  private covers(from: number, to: number): boolean {
    return (
      this.coveredFrom !== undefined &&
      this.coveredFrom <= from &&
      this.newestChange !== undefined &&
      this.newestChange >= to
    );
  }

  /** The messages in (from, to] that count now. */
  private after(from: number, to: number): Tally {
    return this.between(from, to, (seen) => seen.deletedAt === undefined);
  }

  /** The messages by others in (from, to] that `counts` accepts. */
  private between(from: number, to: number, counts: (seen: Seen) => boolean): Tally {
    const tally = { unread: 0, mentions: 0 };
    for (const [seq, seen] of this.seen) {
      if (seq <= from || seq > to || !seen.byOther || !counts(seen)) continue;
      tally.unread += 1;
      if (seen.mentionsMe) tally.mentions += 1;
    }
    return tally;
  }

  /** What is at or before both markers is never counted again. */
  private prune(): void {
    const floor = Math.min(this.marker, this.exact?.marker ?? this.marker);
    for (const [seq, seen] of this.seen) {
      if (seq > floor) continue;
      this.seen.delete(seq);
      this.seqOf.delete(seen.messageId);
    }
  }

  /**
   * A room read by no one here for a long time: the older half of what was seen goes, and with it
   * the claim to have seen everything since then.
   */
  private forgetOldest(): void {
    const seqs = [...this.seen.keys()].sort((a, b) => a - b);
    for (const seq of seqs.slice(0, seqs.length / 2)) {
      this.seqOf.delete(this.seen.get(seq)!.messageId);
      this.seen.delete(seq);
      this.coveredFrom = seq;
    }
  }
}

function isDeleted(seen: Seen, at: number): boolean {
  return seen.deletedAt !== undefined && seen.deletedAt <= at;
}
