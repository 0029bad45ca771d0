import type { ChatMessage, PresenceStatus, RoomMember, RoomSummary } from '@chat/protocol';

export type { ChatMessage, PresenceStatus, RoomMember, RoomSummary };

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
  /** The users its @names named; absent: none. */
  mentions?: number[];
}

export interface MessageUpdatedEvent extends RoomChange {
  type: 'message.updated';
  messageId: number;
  text: string;
  /** ISO 8601, UTC. */
  editedAt: string;
  /** The users the new text's @names name; absent: none. */
  mentions?: number[];
  /**
   * For the members' unread counts: the users the text named before, and the message's own number
   * and author (absent from edits logged before they were kept).
   */
  previousMentions?: number[];
  messageSeq?: number;
  authorId?: number;
}

export interface MessageDeletedEvent extends RoomChange {
  type: 'message.deleted';
  messageId: number;
  /** For the members' unread counts: the message's own number and author (absent from old logs). */
  messageSeq?: number;
  authorId?: number;
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

/** A site ban: the user's sockets on every instance are told why and until when, and closed. */
export interface UserBannedEvent {
  type: 'user.banned';
  userId: number;
  detail: string;
}

/** A user's mutes changed: every instance reads them again. */
export interface MutesChangedEvent {
  type: 'mutes.changed';
  userId: number;
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

/** A user's status over all their sockets on every instance changed. */
export interface PresenceChangedEvent {
  type: 'presence.changed';
  userId: number;
  status: PresenceStatus;
  /** The user's rooms at or under the presence limit: their members are told. */
  roomIds: number[];
  /** The user's rooms above the limit, with how many of their members are online now. */
  counts: { roomId: number; online: number }[];
}

/** A member is typing in a room: never stored, never numbered, on the room's channel. */
export interface TypingEvent {
  type: 'typing';
  roomId: number;
  userId: number;
}

/** A user's read marker in a room moved to `seq`: their sockets everywhere are told. */
export interface ReadMovedEvent {
  type: 'read.moved';
  userId: number;
  roomId: number;
  seq: number;
}

/** A user's unread counts in a room, exact as of the room's number `lastSeq`. */
export interface UnreadChangedEvent {
  type: 'unread.changed';
  userId: number;
  roomId: number;
  unread: number;
  mentions: number;
  lastReadSeq: number;
  lastSeq: number;
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

/** The changes that take a room's number (a read marker's move carries a `seq` too, but is none). */
const ROOM_EVENT_TYPES: Record<RoomEvent['type'], true> = {
  'message.created': true,
  'message.updated': true,
  'message.deleted': true,
  'member.joined': true,
  'member.left': true,
  'room.updated': true,
};

export function isRoomEvent(event: ChatEvent): event is RoomEvent {
  return Object.hasOwn(ROOM_EVENT_TYPES, event.type);
}

export function isMembershipEvent(event: ChatEvent): event is MembershipEvent {
  return event.type === 'member.joined' || event.type === 'member.left';
}

export type ChatEvent =
  | RoomEvent
  | SessionsRevokedEvent
  | UserBannedEvent
  | MutesChangedEvent
  | AvatarChangedEvent
  | UserUpdatedEvent
  | UserDeletedEvent
  | PresenceChangedEvent
  | TypingEvent
  | ReadMovedEvent
  | UnreadChangedEvent;
