import { Injectable, Logger } from '@nestjs/common';
import { RoomEvent } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { unreadFrame } from '@chat/protocol';
import { MemberCounts, ReadMarkers } from '@chat/rooms';
import { ClientConnection } from '../connection/client-connection';
import { ConnectionRegistry } from '../connection-registry.service';
import { EventBroadcaster } from '../event-broadcaster.service';
import { encodeFrame } from '../frames/encode-frame';
import { unreadConcern } from './unread-concern';
import { UnreadPushQueue, WantedCounts } from './unread-push-queue';

/** Members whose counts one query reads at most; a room with more users here takes several. */
const USERS_PER_QUERY = 500;

/** Pushes reading counts at once on an instance, whose database pool the requests share. */
const PUSHES_AT_ONCE = 2;

/**
 * Pushes `unread` frames for the room changes a client cannot count itself (see unreadConcern),
 * on each instance for the users with sockets in the room here: one query (per 500 users) for the
 * members concerned, rather than a bus event per member. A room has one push at a time, the
 * changes meanwhile merged into its next one, and two pushes run at once (UnreadPushQueue), so a
 * burst of changes costs a few counts of the room, not one per change. Only sockets in the room
 * get them, so no one outside it does.
 */
@Injectable()
export class UnreadPushes {
  private readonly logger = new Logger('UnreadPushes');
  private readonly queue = new UnreadPushQueue(PUSHES_AT_ONCE, (roomId, wanted) =>
    this.push(roomId, wanted),
  );

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly markers: ReadMarkers,
    private readonly metrics: ChatMetrics,
    broadcaster: EventBroadcaster,
  ) {
    broadcaster.roomChangeShown = (event) => this.afterChange(event);
  }

  /** After a room's change went to the room's sockets here. */
  afterChange(event: RoomEvent): void {
    const concern = unreadConcern(event);
    if (!concern) return;
    const here = this.socketsByUser(event.roomId);
    if (concern.users === 'room' ? here.size > 0 : concern.users.some((user) => here.has(user))) {
      this.queue.add(event.roomId, concern);
    }
  }

  /** Never rejects. */
  private async push(roomId: number, wanted: WantedCounts): Promise<void> {
    // The users concerned with sockets in the room here when its turn comes.
    const { users: concerned } = wanted;
    const here = [...this.socketsByUser(roomId).keys()].sort((a, b) => a - b);
    const users = concerned === 'room' ? here : here.filter((user) => concerned.has(user));
    const message = { seq: wanted.seq, authorId: wanted.authorId };
    try {
      for (let from = 0; from < users.length; from += USERS_PER_QUERY) {
        const chunk = users.slice(from, from + USERS_PER_QUERY);
        const counts = await this.markers.countsForUnread(roomId, chunk, message);
        // The room's sockets as they are now: one that left meanwhile is sent nothing.
        if (counts.length > 0) this.send(roomId, counts, this.socketsByUser(roomId));
      }
    } catch (error) {
      this.logger.warn(`Room ${roomId}: unread counts not pushed: ${(error as Error).message}`);
    }
  }

  private send(
    roomId: number,
    members: MemberCounts[],
    sockets: Map<number, ClientConnection[]>,
  ): void {
    let sent = 0;
    const fanOut = members.reduce(
      (sum, counts) => sum + (sockets.get(counts.user_id)?.length ?? 0),
      0,
    );
    for (const counts of members) {
      const frame = encodeFrame(
        unreadFrame(
          roomId,
          { unread: counts.unread, mentions: counts.mentions, last_read_seq: counts.last_read_seq },
          counts.last_seq,
        ),
      );
      for (const connection of sockets.get(counts.user_id) ?? []) {
        connection.sendEncoded([frame], fanOut);
        sent++;
      }
    }
    this.metrics.framesSent.inc(sent);
  }

  /** The signed-in sockets in the room here, by user. */
  private socketsByUser(roomId: number): Map<number, ClientConnection[]> {
    const byUser = new Map<number, ClientConnection[]>();
    for (const connection of this.registry.socketsIn(roomId)) {
      if (!connection.user) continue;
      const sockets = byUser.get(connection.user.id);
      if (sockets) sockets.push(connection);
      else byUser.set(connection.user.id, [connection]);
    }
    return byUser;
  }
}
