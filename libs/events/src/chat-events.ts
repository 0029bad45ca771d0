/** A chat message as every HTTP route and the socket show it (the wire contract's shape). */
export interface ChatMessage {
  message_id: number;
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
  message: string;
  time_send: string;
  created_at: string;
  edited: boolean;
}

export interface MessageCreatedEvent {
  type: 'message.created';
  message: ChatMessage;
  /** The sender's idempotency key, echoed to clients so the sender can match its frame. */
  clientId?: string;
}

export interface MessageUpdatedEvent {
  type: 'message.updated';
  messageId: number;
  text: string;
}

export interface MessageDeletedEvent {
  type: 'message.deleted';
  messageId: number;
}

export interface SessionsRevokedEvent {
  type: 'sessions.revoked';
  sessionIds: string[];
}

/** A user's avatar now shows `avatar` (a path on this server). */
export interface AvatarChangedEvent {
  type: 'avatar.changed';
  userId: number;
  avatar: string;
}

/** A user's name, role or avatar changed: clients showing that user update it. */
export interface UserUpdatedEvent {
  type: 'user.updated';
  userId: number;
  name: string;
  role: number;
  avatar: string;
}

/** An account was deleted; `previousAvatar` was its avatar before. */
export interface UserDeletedEvent {
  type: 'user.deleted';
  userId: number;
  previousAvatar: string;
}

export type ChatEvent =
  | MessageCreatedEvent
  | MessageUpdatedEvent
  | MessageDeletedEvent
  | SessionsRevokedEvent
  | AvatarChangedEvent
  | UserUpdatedEvent
  | UserDeletedEvent;
