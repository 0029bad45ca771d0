import type { MessageList } from './message-list';
import type { EventFrame, RoomEventFrame, UserUpdatedFrame } from './protocol';
import { isRoomEvent } from './protocol';
import type { RoomSequence } from './room-sequence';
import type { RoomsStore } from './rooms-store';

export interface RoomEventsContext {
  store: RoomsStore;
  sequence: RoomSequence;
  myId(): number;
  /** The room on screen. */
  current(): number;
  /** The room's message list, if it was ever shown. */
  list(roomId: number): MessageList | undefined;
  /** A message of ours was stored: it is no longer pending. */
  delivered(clientId: string): void;
  /** We are no longer in the room. */
  roomGone(roomId: number, reason: string): void;
  /** A room's name, topic or archived state changed. */
  roomChanged(roomId: number): void;
  userChanged(frame: UserUpdatedFrame): void;
  report(error: unknown): void;
}

/**
 * Applies what the socket says to the page. A room change whose number was seen already (a replay
 * overlapping what came live, or a resend) is dropped.
 */
export function applyEvent(frame: EventFrame, context: RoomEventsContext): void {
  if (frame.type === 'user.updated') return context.userChanged(frame);
  if (frame.type === 'resumed') {
    if (frame.recovered) return;
    // More was missed than the server replays: take its word for the number, reload the page.
    context.sequence.skipTo(frame.room_id, frame.last_seq);
    context.list(frame.room_id)?.reload().catch(context.report);
    return;
  }
  if (!isRoomEvent(frame)) return;
  if (!context.sequence.accept(frame.room_id, frame.seq)) return;
  applyRoomEvent(frame, context);
}

function applyRoomEvent(frame: RoomEventFrame, context: RoomEventsContext): void {
  const { store } = context;
  const roomId = frame.room_id;
  switch (frame.type) {
    case 'message.new': {
      if (frame.client_id) context.delivered(frame.client_id);
      context.list(roomId)?.show(frame.message);
      const fromOther = frame.message.user_id !== context.myId();
      if (fromOther && roomId !== context.current()) store.countUnread(roomId);
      return;
    }
    case 'message.updated':
      return context.list(roomId)?.edited(frame.message_id, frame.text, frame.edited_at);
    case 'message.deleted':
      return context.list(roomId)?.removed(frame.message_id);
    case 'member.joined':
      return store.memberJoined(roomId, frame.member);
    case 'member.left':
      if (frame.user_id === context.myId()) return context.roomGone(roomId, frame.reason);
      return store.memberLeft(roomId, frame.user_id);
    case 'room.added':
      store.put(frame.room);
      return;
    case 'room.removed':
      return context.roomGone(roomId, frame.reason);
    case 'room.updated':
      store.updateRoom(frame.room);
      return context.roomChanged(roomId);
  }
}
