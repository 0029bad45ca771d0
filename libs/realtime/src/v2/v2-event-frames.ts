import { ChatEvent, RoomEvent } from '@chat/events';
import { toRoomMessage } from '@chat/messages';
import { RoomFrame, UserUpdatedFrame } from '@chat/protocol';

/**
 * The frame that shows a room's event to its members' v2 sockets. Membership changes are shown
 * this way to the other members; the member concerned gets room.added or room.removed instead.
 */
export function v2RoomFrame(event: RoomEvent): RoomFrame {
  const place = { room_id: event.roomId, seq: event.seq };
  switch (event.type) {
    case 'message.created': {
      const message = toRoomMessage(
        event.message,
        event.roomId,
        event.seq,
        event.editedAt ?? null,
        event.mentions ?? [],
      );
      const frame: RoomFrame = { type: 'message.new', ...place, message };
      return event.clientId ? Object.assign(frame, { client_id: event.clientId }) : frame;
    }
    case 'message.updated':
      return {
        type: 'message.updated',
        ...place,
        message_id: event.messageId,
        text: event.text,
        edited_at: event.editedAt,
        mentions: event.mentions ?? [],
      };
    case 'message.deleted':
      return { type: 'message.deleted', ...place, message_id: event.messageId };
    case 'member.joined':
      return { type: 'member.joined', ...place, member: event.member };
    case 'member.left':
      return { type: 'member.left', ...place, user_id: event.userId, reason: event.reason };
    case 'room.updated':
      return { type: 'room.updated', ...place, room: event.room };
  }
}

/**
 * The frame of an event that is no room's, for every v2 socket, or null when none is shown: a
 * user's new name, role or avatar (after an avatar upload, the avatar alone).
 */
export function v2UserFrame(event: ChatEvent): UserUpdatedFrame | null {
  if (event.type === 'avatar.changed') {
    return { type: 'user.updated', user_id: event.userId, user_avatar: event.avatar };
  }
  if (event.type !== 'user.updated') return null;
  return {
    type: 'user.updated',
    user_id: event.userId,
    name: event.name,
    role: event.role,
    user_avatar: event.avatar,
  };
}
