import { RoomMember, RoomSummary } from '@chat/events';
import { RoomMessage } from '@chat/messages';

/*
 * Every frame the server sends on a chat.v2 socket (see docs/protocol.md), with one builder each.
 * Builders list the fields in wire order.
 */

export interface MessageNewFrame {
  type: 'message.new';
  room_id: number;
  seq: number;
  message: RoomMessage;
  client_id?: string;
}

export interface MessageUpdatedFrame {
  type: 'message.updated';
  room_id: number;
  seq: number;
  message_id: number;
  text: string;
  edited_at: string;
}

export interface MessageDeletedFrame {
  type: 'message.deleted';
  room_id: number;
  seq: number;
  message_id: number;
}

export interface MemberJoinedFrame {
  type: 'member.joined';
  room_id: number;
  seq: number;
  member: RoomMember;
}

export interface MemberLeftFrame {
  type: 'member.left';
  room_id: number;
  seq: number;
  user_id: number;
  reason: 'left' | 'removed';
}

export interface RoomAddedFrame {
  type: 'room.added';
  room_id: number;
  seq: number;
  room: RoomSummary;
}

export interface RoomRemovedFrame {
  type: 'room.removed';
  room_id: number;
  seq: number;
  reason: 'left' | 'removed';
}

export interface RoomUpdatedFrame {
  type: 'room.updated';
  room_id: number;
  seq: number;
  room: RoomSummary;
}

/** A user changed: the fields that changed (a new avatar alone comes without name and role). */
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
  req?: string;
  [result: string]: unknown;
}

export type ErrorCode =
  | 'invalid_frame'
  | 'invalid_input'
  | 'not_found'
  | 'forbidden'
  | 'rate_limited'
  | 'unavailable'
  | 'not_authenticated'
  | 'invalid_token'
  | 'token_expired';

export interface ErrorFrame {
  type: 'error';
  req?: string;
  code: ErrorCode;
  detail: string;
  room_id?: number;
}

/** A frame about one room: it carries the room's number for the change. */
export type RoomFrame =
  | MessageNewFrame
  | MessageUpdatedFrame
  | MessageDeletedFrame
  | MemberJoinedFrame
  | MemberLeftFrame
  | RoomAddedFrame
  | RoomRemovedFrame
  | RoomUpdatedFrame;

export type V2ServerFrame = RoomFrame | UserUpdatedFrame | ResumedFrame | AckFrame | ErrorFrame;

export function ackFrame(req: string | undefined, result: Record<string, unknown> = {}): AckFrame {
  return req === undefined ? { type: 'ack', ...result } : { type: 'ack', req, ...result };
}

export function errorFrame(
  req: string | undefined,
  code: ErrorCode,
  detail: string,
  roomId?: number,
): ErrorFrame {
  return {
    type: 'error',
    ...(req === undefined ? {} : { req }),
    code,
    detail,
    ...(roomId === undefined ? {} : { room_id: roomId }),
  };
}

export function resumedFrame(roomId: number, recovered: boolean, lastSeq: number): ResumedFrame {
  return { type: 'resumed', room_id: roomId, recovered, last_seq: lastSeq };
}

export function roomAddedFrame(room: RoomSummary, seq: number): RoomAddedFrame {
  return { type: 'room.added', room_id: room.id, seq, room };
}

export function roomRemovedFrame(
  roomId: number,
  seq: number,
  reason: 'left' | 'removed',
): RoomRemovedFrame {
  return { type: 'room.removed', room_id: roomId, seq, reason };
}
