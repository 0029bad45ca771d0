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
 * The frame that shows a bus event to every client, or null for an event clients are not shown: a
 * deleted account (for the avatar store to clean up) and revoked sessions (their sockets close).
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
      return null;
  }
}
