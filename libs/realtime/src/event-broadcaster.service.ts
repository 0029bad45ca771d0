import { Injectable } from '@nestjs/common';
import {
  ChatEvent,
  PresenceChangedEvent,
  ReadMovedEvent,
  RoomEvent,
  TypingEvent,
  UnreadChangedEvent,
} from '@chat/events';
import { readFrame, unreadFrame } from '@chat/protocol';
import { ChatMetrics } from '@chat/metrics';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import { ConnectionRegistry } from './connection-registry.service';
import { encodeFrame } from './frames/encode-frame';
import { eventFrame } from './frames/event-frames';
import { v2RoomFrame, v2UserFrame } from './v2/v2-event-frames';

/**
 * Shows events to this instance's sockets, each as one frame serialised once per protocol: the
 * compat sockets see the general room in the v1 shapes, the v2 sockets their rooms.
 */
@Injectable()
export class EventBroadcaster {
  /** Shows presence and typing events (see PresenceDelivery). */
  presenceEvent: (event: PresenceChangedEvent | TypingEvent) => void = () => undefined;
  /** Told of each room change once its frames are out (see UnreadPushes). */
  roomChangeShown: (event: RoomEvent) => void = () => undefined;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly metrics: ChatMetrics,
  ) {}

  /** An event that is no room's change: revoked sessions, users' changes, a user's read state. */
  dispatch(event: ChatEvent): void {
    if (event.type === 'sessions.revoked') {
      for (const connection of this.registry.signedInWith(new Set(event.sessionIds))) {
        connection.refuse('Invalid token');
      }
      return;
    }
    if (event.type === 'user.banned') {
      for (const connection of this.registry.signedInAs(event.userId)) connection.ban(event.detail);
      return;
    }
    if (event.type === 'mutes.changed') return;
    if (event.type === 'read.moved' || event.type === 'unread.changed') {
      return this.toUser(event.userId, event);
    }
    if (event.type === 'presence.changed' || event.type === 'typing') {
      return this.presenceEvent(event);
    }
    const stop = this.metrics.broadcastDuration.startTimer();
    let sent = 0;
    const compat = eventFrame(event);
    if (compat !== null) sent += this.registry.broadcast(encodeFrame(compat));
    const v2 = v2UserFrame(event);
    if (v2 !== null) sent += this.registry.broadcastV2(encodeFrame(v2));
    stop();
    this.count(event, sent);
  }

  /**
   * A room's change, in its order (see RoomSequencer), to the room's v2 sockets here, and for the
   * general room's messages to the compat sockets; then the unread counts it changed, to the
   * members concerned here.
   */
  dispatchRoom(event: RoomEvent): void {
    const stop = this.metrics.broadcastDuration.startTimer();
    let sent = 0;
    if (event.roomId === GENERAL_ROOM_ID) {
      const compat = eventFrame(event);
      if (compat !== null) {
        const messageId = event.type === 'message.created' ? event.message.message_id : undefined;
        sent += this.registry.broadcast(encodeFrame(compat), messageId);
      }
    }
    sent += this.registry.deliverToRoom(encodeFrame(v2RoomFrame(event)), event.roomId, event.seq);
    stop();
    this.count(event, sent);
    this.roomChangeShown(event);
  }

  /** A user's own read state, to that user's v2 sockets here. */
  private toUser(userId: number, event: ReadMovedEvent | UnreadChangedEvent): void {
    const sockets = this.registry.socketsOf(userId);
    if (sockets.size > 0) {
      const frame = encodeFrame(
        event.type === 'read.moved'
          ? readFrame(event.roomId, event.seq)
          : unreadFrame(
              event.roomId,
              { unread: event.unread, mentions: event.mentions, last_read_seq: event.lastReadSeq },
              event.lastSeq,
            ),
      );
      for (const connection of sockets) connection.sendEncoded([frame]);
    }
    this.count(event, sockets.size);
  }

  private count(event: ChatEvent, sent: number): void {
    this.metrics.eventsBroadcast.inc({ type: event.type });
    this.metrics.framesSent.inc(sent);
  }
}
