import type { ChatMessage, RoomMember, RoomSummary } from '@chat/protocol';

export type { ChatMessage, RoomMember, RoomSummary };

/**
 * A change in a room: it took the room's next number (`seq`), gap-free and in commit order, so an
 * instance that sees a number skipped on the bus knows to read it from the database.
 */
export interface RoomChange {
  roomId: number;
  seq: number;
}

export interface MessageCreatedEvent extends RoomChange {
  type: 'message.created';
  message: ChatMessage;
  /** The sender's idempotency key, echoed to clients so the sender can match its frame. */
  clientId?: string;
  /** Set when a message read back from the database (a replay) was edited since (ISO 8601). */
  editedAt?: string;
}

export interface MessageUpdatedEvent extends RoomChange {
  type: 'message.updated';
  messageId: number;
  text: string;
  /** ISO 8601, UTC. */
  editedAt: string;
}

export interface MessageDeletedEvent extends RoomChange {
  type: 'message.deleted';
  messageId: number;
}

/** Someone joined or was added: the room as it is now goes to their own sockets. */
export interface MemberJoinedEvent extends RoomChange {
  type: 'member.joined';
  member: RoomMember;
  room: RoomSummary;
}

export interface MemberLeftEvent extends RoomChange {
  type: 'member.left';
  userId: number;
  reason: 'left' | 'removed';
}

/** Renamed, a new topic, or archived. */
export interface RoomUpdatedEvent extends RoomChange {
  type: 'room.updated';
  room: RoomSummary;
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

export type RoomEvent =
  | MessageCreatedEvent
  | MessageUpdatedEvent
  | MessageDeletedEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | RoomUpdatedEvent;

/** Membership changes reach every instance: the member's sockets may be where the room is not. */
export type MembershipEvent = MemberJoinedEvent | MemberLeftEvent;

export function isRoomEvent(event: ChatEvent): event is RoomEvent {
  return 'seq' in event;
}

export function isMembershipEvent(event: ChatEvent): event is MembershipEvent {
  return event.type === 'member.joined' || event.type === 'member.left';
}

export type ChatEvent =
  RoomEvent | SessionsRevokedEvent | AvatarChangedEvent | UserUpdatedEvent | UserDeletedEvent;
