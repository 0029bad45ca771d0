import { RoomEvent } from '@chat/events';

/**
 * Whose unread counts a room's change may have changed beyond what their clients derive from the
 * frames themselves (a client adds each message.new after its counts' last_seq): the message the
 * change is about (its number and author), and the users concerned, or `room` for every member.
 * Only those of them for whom the message is unread (after their marker, by someone else) get
 * new counts.
 */
export interface UnreadConcern {
  message: { seq: number; authorId: number };
  users: number[] | 'room';
}

/**
 * - a new message: the users it mentions, so a mention is pushed even to a client that does not
 *   follow the room's messages closely;
 * - an edit: the users it added to or removed from the mentions;
 * - a deletion: every member, as the message no longer counts.
 * Changes read back from the database (filling a gap) carry the same, as the log keeps it; edits
 * and deletions logged before it was kept push nothing.
 */
export function unreadConcern(event: RoomEvent): UnreadConcern | null {
  switch (event.type) {
    case 'message.created': {
      const authorId = event.message.user_id;
      const users = (event.mentions ?? []).filter((user) => user !== authorId);
      return users.length > 0 ? { message: { seq: event.seq, authorId }, users } : null;
    }
    case 'message.updated': {
      if (event.messageSeq === undefined || event.authorId === undefined) return null;
      const before = new Set(event.previousMentions ?? []);
      const after = new Set(event.mentions ?? []);
      const changed = [
        ...[...after].filter((user) => !before.has(user)),
        ...[...before].filter((user) => !after.has(user)),
      ].filter((user) => user !== event.authorId);
      return changed.length > 0
        ? { message: { seq: event.messageSeq, authorId: event.authorId }, users: changed }
        : null;
    }
    case 'message.deleted':
      if (event.messageSeq === undefined || event.authorId === undefined) return null;
      return { message: { seq: event.messageSeq, authorId: event.authorId }, users: 'room' };
    default:
      return null;
  }
}
