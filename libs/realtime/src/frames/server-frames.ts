import { ChatMessage } from '@chat/events';

/*
 * Every frame the server sends on /ws, with one builder each. A chat message has no `event` field
 * (the shape old clients show as a message); every other frame names itself in `event`. Builders
 * list the fields in wire order: clients see the keys in the order written here.
 */

/** A chat message, with the sender's `client_id` when it gave one. */
export type MessageFrame = ChatMessage & { event?: never; client_id?: string };

/** A message's text was edited. */
export interface UpdateFrame {
  event: 'update';
  message_id: number;
  new_message: string;
}

/** A message was deleted. */
export interface DeleteFrame {
  event: 'delete';
  message_id: number;
}

/** A user's avatar now shows `user_avatar`. */
export interface AvatarFrame {
  event: 'avatar';
  user_id: number;
  user_avatar: string;
}

/** A user's name, role or avatar changed. */
export interface UserFrame {
  event: 'user';
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
}

/** The answer to `{"action": "auth"}`: the socket now speaks for `user_id`. */
export interface AuthFrame {
  event: 'auth';
  user_id: number;
}

/**
 * The end of a resume: `recovered` when every message up to `latest_id` was sent; otherwise the
 * client reloads history up to `latest_id`.
 */
export interface ResumeFrame {
  event: 'resume';
  recovered: boolean;
  latest_id: number;
}

/** What a notice tells one client; the ones that close the socket give the same close reason. */
export type Notice =
  | 'Invalid format'
  | 'Invalid token'
  | 'Token expired'
  | 'Not authenticated'
  | 'Rate limit exceeded'
  | 'Temporarily unavailable'
  | 'Banned'
  | 'Muted';

/** A notice to one client; its `event` name keeps old clients from showing it as a message. */
export interface NoticeFrame {
  event: 'send user message';
  message: Notice;
}

export type ServerFrame =
  | MessageFrame
  | UpdateFrame
  | DeleteFrame
  | AvatarFrame
  | UserFrame
  | AuthFrame
  | ResumeFrame
  | NoticeFrame;

/** The message itself when the sender gave no client_id: nothing is copied. */
export function messageFrame(message: ChatMessage, clientId?: string): MessageFrame {
  return clientId ? Object.assign({}, message, { client_id: clientId }) : message;
}

export function updateFrame(messageId: number, text: string): UpdateFrame {
  return { event: 'update', message_id: messageId, new_message: text };
}

export function deleteFrame(messageId: number): DeleteFrame {
  return { event: 'delete', message_id: messageId };
}

export function avatarFrame(userId: number, avatar: string): AvatarFrame {
  return { event: 'avatar', user_id: userId, user_avatar: avatar };
}

export function userFrame(userId: number, name: string, role: number, avatar: string): UserFrame {
  return { event: 'user', user_id: userId, name, role, user_avatar: avatar };
}

export function authFrame(userId: number): AuthFrame {
  return { event: 'auth', user_id: userId };
}

export function resumeFrame(recovered: boolean, latestId: number): ResumeFrame {
  return { event: 'resume', recovered, latest_id: latestId };
}

export function noticeFrame(message: Notice): NoticeFrame {
  return { event: 'send user message', message };
}
