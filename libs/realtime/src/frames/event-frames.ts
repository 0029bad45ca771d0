import { ChatEvent } from '@chat/events';
import {
  avatarFrame,
  deleteFrame,
  messageFrame,
  ServerFrame,
  updateFrame,
  userFrame,
} from './server-frames';

/**
 * The v1 frame that shows a bus event to the compat sockets, or null for an event they are not
 * shown: a deleted account (for the avatar store to clean up), revoked sessions (their sockets
 * close), and the rooms' membership and settings, presence, typing and read state, which v1 does
 * not know. Only the general room's message events reach here.
 */
export function eventFrame(event: ChatEvent): ServerFrame | null {
  switch (event.type) {
    case 'message.created':
      return messageFrame(event.message, event.clientId);
    case 'message.updated':
      return updateFrame(event.messageId, event.text);
    case 'message.deleted':
      return deleteFrame(event.messageId);
    case 'avatar.changed':
      return avatarFrame(event.userId, event.avatar);
    case 'user.updated':
      return userFrame(event.userId, event.name, event.role, event.avatar);
    case 'user.deleted':
    case 'sessions.revoked':
    case 'user.banned':
    case 'mutes.changed':
    case 'member.joined':
    case 'member.left':
    case 'room.updated':
    case 'presence.changed':
    case 'typing':
    case 'read.moved':
    case 'unread.changed':
      return null;
  }
}
