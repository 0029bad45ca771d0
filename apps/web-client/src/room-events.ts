import type { ChatClient, EventFrame, RoomFrame, UserUpdatedFrame } from '@chat/client';
import { isRoomFrame } from '@chat/client';
import type { MessageList } from './message-list';
import type { RoomsStore } from './rooms-store';

/** What a room's change does to its messages on screen. */
export type ShownMessages = Pick<MessageList, 'show' | 'edited' | 'removed' | 'reload'>;

export interface RoomEventsContext {
  store: RoomsStore;
  myId(): number;
  /** The room's message list, if it was ever shown. */
  list(roomId: number): ShownMessages | undefined;
  /** We are no longer in the room. */
  roomGone(roomId: number, reason: string): void;
  /** A room's name, topic or archived state changed. */
  roomChanged(roomId: number): void;
  userChanged(frame: UserUpdatedFrame): void;
  report(error: unknown): void;
}

/** Shows every change the client hands on (each once, in order per room); returns the stop. */
export function showRoomEvents(
  client: Pick<ChatClient, 'on'>,
  context: RoomEventsContext,
): () => void {
  return client.on('frame', (frame) => applyEvent(frame, context));
}

export function applyEvent(frame: EventFrame, context: RoomEventsContext): void {
  if (frame.type === 'user.updated') return context.userChanged(frame);
  if (frame.type === 'resumed') {
    // More was missed than the server replays: show the newest page afresh.
    if (!frame.recovered) context.list(frame.room_id)?.reload().catch(context.report);
    return;
  }
  // Presence, typing and counts are the SDK store's (see chat-view).
  if (isRoomFrame(frame)) applyRoomEvent(frame, context);
}

function applyRoomEvent(frame: RoomFrame, context: RoomEventsContext): void {
  const { store } = context;
  const roomId = frame.room_id;
  switch (frame.type) {
    case 'message.new':
      return context.list(roomId)?.show(frame.message);
    case 'message.updated':
      return context.list(roomId)?.edited(frame.message_id, {
        message: frame.text,
        edited_at: frame.edited_at,
        mentions: frame.mentions,
      });
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
