import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { NotFoundError, TooManyRequestsError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { RequestResults } from '@chat/protocol';
import { ROOM_NOT_FOUND } from './room-access.service';
import { isId } from './room-id';
import { MemberCounts, ReadMarkersRepository } from './read-markers.repository';
import { UserRateLimit } from './user-rate-limit';

export type ReadResult = RequestResults['read'];

/**
 * Members' read markers and the counts derived from them. A marker is the room's number its
 * member has read up to: it only moves forwards, and never past the room's newest number. Reads
 * are limited per user (READ_MARKER_RATE_LIMIT and _BURST), as each counts the caller's messages.
 */
@Injectable()
export class ReadMarkers {
  private readonly reads: UserRateLimit;

  constructor(
    private readonly markers: ReadMarkersRepository,
    private readonly events: EventBus,
    config: AppConfig,
  ) {
    this.reads = new UserRateLimit(config.readMarkerRate);
  }

  /**
   * Moves the caller's marker in a room they are in up to `seq` (clamped), and answers their
   * counts. When it moved, the caller's sockets on every instance are told (`read.moved`, then
   * `unread.changed`). A room the caller is not in is "not found", public or not; the caller's
   * own member row is the check, so nothing changes for anyone else. Past the caller's allowance,
   * too many requests, and nothing is read or changed.
   */
  async read(caller: AuthUser, roomId: number, seq: number): Promise<ReadResult> {
    if (!this.reads.take(caller.id)) {
      throw new TooManyRequestsError('Too many read marker moves; retry after a moment');
    }
    if (!isId(roomId)) throw new NotFoundError(ROOM_NOT_FOUND);
    const moved = await this.markers.move(roomId, caller.id, seq);
    const [counts] = await this.markers.counts(roomId, [caller.id]);
    if (!counts) throw new NotFoundError(ROOM_NOT_FOUND);
    if (moved !== null) {
      this.events.publish({ type: 'read.moved', userId: caller.id, roomId, seq: moved });
      this.events.publish(unreadChanged(roomId, counts));
    }
    return {
      room_id: roomId,
      unread: counts.unread,
      mentions: counts.mentions,
      last_read_seq: counts.last_read_seq,
    };
  }

  /**
   * The counts of those of `userIds` in the room for whom a message counts as unread (after their
   * marker, written by someone else; by anyone for a null author): the members a change to that
   * message concerns.
   */
  countsForUnread(
    roomId: number,
    userIds: number[],
    message: { seq: number; authorId: number | null },
  ): Promise<MemberCounts[]> {
    return this.markers.countsForUnread(roomId, userIds, message);
  }
}

function unreadChanged(roomId: number, counts: MemberCounts) {
  return {
    type: 'unread.changed' as const,
    userId: counts.user_id,
    roomId,
    unread: counts.unread,
    mentions: counts.mentions,
    lastReadSeq: counts.last_read_seq,
    lastSeq: counts.last_seq,
  };
}
