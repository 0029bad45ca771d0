/** The shapes of Version 2 (docs/protocol.md): rooms, members, messages and socket frames. */

export type RoomKind = 'public' | 'private' | 'direct';
export type RoomRole = 'owner' | 'member';

export interface Room {
  id: number;
  kind: RoomKind;
  /** null for a direct room: clients show the other member's name. */
  name: string | null;
  topic: string;
  created_at: string;
  member_count: number;
  last_seq: number;
  archived: boolean;
}

/** A user as a room shows them. */
export interface RoomUser {
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
}

/** A room as HTTP shows it to its reader: with the reader's room role and a DM's other member. */
export interface RoomView extends Room {
  /** null: a public room the reader is not in. */
  room_role: RoomRole | null;
  /** The other member of a direct room; null for other rooms. */
  peer: RoomUser | null;
}

export interface RoomMember {
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
  room_role: RoomRole;
}

/** A message: the compat message with its room, its number there and its edit time. */
export interface RoomMessage {
  message_id: number;
  room_id: number;
  seq: number;
  user_id: number;
  name: string;
  role: number;
  user_avatar: string;
  message: string;
  time_send: string;
  created_at: string;
  edited: boolean;
  edited_at: string | null;
}

/** A change in a room: every one carries the room's number for it. */
export type RoomEventFrame =
  | { type: 'message.new'; room_id: number; seq: number; message: RoomMessage; client_id?: string }
  | {
      type: 'message.updated';
      room_id: number;
      seq: number;
      message_id: number;
      text: string;
      edited_at: string;
    }
  | { type: 'message.deleted'; room_id: number; seq: number; message_id: number }
  | { type: 'member.joined'; room_id: number; seq: number; member: RoomMember }
  | {
      type: 'member.left';
      room_id: number;
      seq: number;
      user_id: number;
      reason: 'left' | 'removed';
    }
  | { type: 'room.added'; room_id: number; seq: number; room: Room }
  | { type: 'room.removed'; room_id: number; seq: number; reason: string }
  | { type: 'room.updated'; room_id: number; seq: number; room: Room };

/** What changed of a user: a new avatar alone comes without name and role. */
export interface UserUpdatedFrame {
  type: 'user.updated';
  user_id: number;
  name?: string;
  role?: number;
  user_avatar: string;
}

export interface ResumedFrame {
  type: 'resumed';
  room_id: number;
  recovered: boolean;
  last_seq: number;
}

export interface AckFrame {
  type: 'ack';
  req: string;
  [field: string]: unknown;
}

export interface ErrorFrame {
  type: 'error';
  req?: string;
  code: string;
  detail: string;
  room_id?: number;
}

/** The answer to `auth`: who the socket is, and every room of theirs with its newest number. */
export interface AuthAck extends AckFrame {
  user_id: number;
  rooms: { room_id: number; last_seq: number }[];
}

/** What the socket hands on: everything but the answers to requests. */
export type EventFrame = RoomEventFrame | UserUpdatedFrame | ResumedFrame;

export type ServerFrame = EventFrame | AckFrame | ErrorFrame;

export function isRoomEvent(frame: EventFrame): frame is RoomEventFrame {
  return 'seq' in frame && 'room_id' in frame;
}
