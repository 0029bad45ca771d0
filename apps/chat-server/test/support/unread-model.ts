import { UNREAD_LIMIT } from '@chat/protocol';
import { Frame } from './v2-client';

/** A room's counts as GET /api/v1/rooms or an `unread` frame gives them, exact as of `last_seq`. */
export interface ExactCounts {
  unread: number;
  mentions: number;
  last_read_seq: number;
  last_seq: number;
}

interface RoomState extends ExactCounts {
  /** The messages seen after `last_seq`: counted on top of the exact counts. */
  after: { seq: number; own: boolean; mentionsMe: boolean }[];
}

/**
 * The counts a client keeps for one user from what the server sends it (docs/read-markers.md):
 * the newest exact counts (an `unread` frame, or the room list) plus the messages that came after
 * them. An `unread` frame older than the counts held (a lower last_seq or marker) is stale.
 */
export class UnreadModel {
  private readonly rooms = new Map<number, RoomState>();

  constructor(private readonly userId: number) {}

  /** Starts a room from GET /api/v1/rooms. */
  start(roomId: number, counts: ExactCounts): void {
    this.rooms.set(roomId, { ...counts, after: [] });
  }

  see(frame: Frame): void {
    const room = this.rooms.get(frame.room_id);
    if (!room) return;
    if (frame.type === 'unread') {
      if (frame.last_seq < room.last_seq || frame.last_read_seq < room.last_read_seq) return;
      room.unread = frame.unread;
      room.mentions = frame.mentions;
      room.last_read_seq = frame.last_read_seq;
      room.last_seq = frame.last_seq;
      room.after = room.after.filter((message) => message.seq > frame.last_seq);
    } else if (frame.type === 'message.new' && frame.seq > room.last_seq) {
      room.after.push({
        seq: frame.seq,
        own: frame.message.user_id === this.userId,
        mentionsMe: frame.message.mentions.includes(this.userId),
      });
    }
  }

  counts(roomId: number): { unread: number; mentions: number; last_read_seq: number } {
    const room = this.rooms.get(roomId)!;
    const unread = room.after.filter((message) => !message.own);
    return {
      unread: Math.min(UNREAD_LIMIT, room.unread + unread.length),
      mentions: Math.min(UNREAD_LIMIT, room.mentions + unread.filter((m) => m.mentionsMe).length),
      last_read_seq: room.last_read_seq,
    };
  }
}
