import { ChatMessage, RoomEvent } from '@chat/events';
import { StoredChange } from './room-changes.repository';

/** A stored change as the event that announced it (see RoomChangesRepository). */
export function changeEvent(roomId: number, change: StoredChange): RoomEvent {
  if (change.type === 'message') {
    const event: RoomEvent = {
      type: 'message.created',
      roomId,
      seq: change.seq,
      message: change.data as ChatMessage,
    };
    if (change.edited_at !== null) event.editedAt = change.edited_at;
    if (change.mentions !== null && change.mentions.length > 0) event.mentions = change.mentions;
    return event;
  }
  const event = Object.assign({}, change.data, { type: change.type, roomId, seq: change.seq });
  return event as unknown as RoomEvent;
}
