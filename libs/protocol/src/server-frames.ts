import { Static, TSchema, Type } from '@sinclair/typebox';
import {
  PresenceStatus,
  PresenceStatusSchema,
  RoomMemberSchema,
  RoomMessageSchema,
  RoomSummarySchema,
  UnreadCounts,
  UnreadCountsSchema,
} from './models';

/*
 * Every frame the server sends on a chat.v2 socket (docs/protocol.md), as JSON Schema and type,
 * with a builder for the frames built in more than one place. Builders list fields in wire order.
 */

const RoomId = Type.Integer({ minimum: 1 });
const Seq = Type.Integer({ minimum: 0, description: "the room's number for this change" });
const MessageId = Type.Integer({ minimum: 1 });
const Req = Type.String({ description: "the request's req, when it had one" });
const Departure = Type.Union([Type.Literal('left'), Type.Literal('removed')]);

const frame = <K extends string, T extends Record<string, TSchema>>(
  type: K,
  fields: T,
  description: string,
) => Type.Object({ type: Type.Literal(type), ...fields }, { $id: type, description });

export const MessageNewFrameSchema = frame(
  'message.new',
  {
    room_id: RoomId,
    seq: Seq,
    message: RoomMessageSchema,
    client_id: Type.Optional(Type.String({ description: "the sender's idempotency key" })),
  },
  'A message was stored in the room.',
);
export type MessageNewFrame = Static<typeof MessageNewFrameSchema>;

export const MessageUpdatedFrameSchema = frame(
  'message.updated',
  {
    room_id: RoomId,
    seq: Seq,
    message_id: MessageId,
    text: Type.String(),
    edited_at: Type.String(),
    mentions: Type.Optional(
      Type.Array(Type.Integer({ minimum: 1 }), { description: 'the users the new text mentions' }),
    ),
  },
  'A message was edited by its author.',
);
export type MessageUpdatedFrame = Static<typeof MessageUpdatedFrameSchema>;

export const MessageDeletedFrameSchema = frame(
  'message.deleted',
  { room_id: RoomId, seq: Seq, message_id: MessageId },
  'A message was deleted.',
);
export type MessageDeletedFrame = Static<typeof MessageDeletedFrameSchema>;

export const MemberJoinedFrameSchema = frame(
  'member.joined',
  { room_id: RoomId, seq: Seq, member: RoomMemberSchema },
  'Someone joined the room or was added to it.',
);
export type MemberJoinedFrame = Static<typeof MemberJoinedFrameSchema>;

export const MemberLeftFrameSchema = frame(
  'member.left',
  { room_id: RoomId, seq: Seq, user_id: Type.Integer({ minimum: 1 }), reason: Departure },
  'Someone left the room or was removed from it.',
);
export type MemberLeftFrame = Static<typeof MemberLeftFrameSchema>;

export const RoomAddedFrameSchema = frame(
  'room.added',
  { room_id: RoomId, seq: Seq, room: RoomSummarySchema },
  'The caller joined a room or was added to one; its changes follow from seq on.',
);
export type RoomAddedFrame = Static<typeof RoomAddedFrameSchema>;

export const RoomRemovedFrameSchema = frame(
  'room.removed',
  { room_id: RoomId, seq: Seq, reason: Departure },
  'The caller left the room or was removed from it; nothing more of it comes.',
);
export type RoomRemovedFrame = Static<typeof RoomRemovedFrameSchema>;

export const RoomUpdatedFrameSchema = frame(
  'room.updated',
  { room_id: RoomId, seq: Seq, room: RoomSummarySchema },
  'The room was renamed, got a new topic, or was archived.',
);
export type RoomUpdatedFrame = Static<typeof RoomUpdatedFrameSchema>;

export const UserUpdatedFrameSchema = frame(
  'user.updated',
  {
    user_id: Type.Integer({ minimum: 1 }),
    name: Type.Optional(Type.String()),
    role: Type.Optional(Type.Integer({ minimum: 1, maximum: 3 })),
    user_avatar: Type.String(),
  },
  'A user changed: the fields that changed (a new avatar alone comes without name and role).',
);
export type UserUpdatedFrame = Static<typeof UserUpdatedFrameSchema>;

export const ResumedFrameSchema = frame(
  'resumed',
  { room_id: RoomId, recovered: Type.Boolean(), last_seq: Type.Integer({ minimum: 0 }) },
  'A room of a resume is replayed up to last_seq (recovered), or too far behind to replay ' +
    '(recovered false: reload its history; live changes follow from last_seq on).',
);
export type ResumedFrame = Static<typeof ResumedFrameSchema>;

/*
 * Presence, typing, markers and counts: about a user or a room, but not changes of the room, so
 * they take no number and are not replayed by a resume. Presence and typing are the first frames
 * dropped for a socket that falls behind.
 */

export const PresenceFrameSchema = frame(
  'presence',
  { user_id: Type.Integer({ minimum: 1 }), status: PresenceStatusSchema },
  "The status of a user who shares a room with the caller (not sent for rooms above the server's " +
    'presence limit: see presence.count).',
);
export type PresenceFrame = Static<typeof PresenceFrameSchema>;

export const PresenceCountFrameSchema = frame(
  'presence.count',
  { room_id: RoomId, online: Type.Integer({ minimum: 0 }) },
  "How many members of a large room are online or away (sent instead of each member's " +
    'presence, at most once a second per room).',
);
export type PresenceCountFrame = Static<typeof PresenceCountFrameSchema>;

export const TypingFrameSchema = frame(
  'typing',
  { room_id: RoomId, user_id: Type.Integer({ minimum: 1 }) },
  'Another member is typing in the room: show it for 5 s unless repeated, and stop at their ' +
    'next message.',
);
export type TypingFrame = Static<typeof TypingFrameSchema>;

export const ReadFrameSchema = frame(
  'read',
  { room_id: RoomId, seq: Type.Integer({ minimum: 0 }) },
  "The caller's read marker in the room moved (on this or another of the caller's devices).",
);
export type ReadFrame = Static<typeof ReadFrameSchema>;

export const UnreadFrameSchema = Type.Composite(
  [
    Type.Object({ type: Type.Literal('unread'), room_id: RoomId }),
    UnreadCountsSchema,
    Type.Object({
      last_seq: Type.Integer({
        minimum: 0,
        description:
          "counted up to this number of the room: add the room's messages after it as they come",
      }),
    }),
  ],
  {
    $id: 'unread',
    description:
      "The caller's counts in the room, exact as of last_seq: sent when the marker moves, the " +
      'caller is mentioned, or an unread message is deleted or its mentions are edited.',
  },
);
export type UnreadFrame = Static<typeof UnreadFrameSchema>;

export const AckFrameSchema = Type.Object(
  { type: Type.Literal('ack'), req: Type.Optional(Req) },
  {
    $id: 'ack',
    description: "A request succeeded; the request's result fields sit beside type and req.",
    additionalProperties: true,
  },
);
export interface AckFrame {
  type: 'ack';
  req?: string;
  [result: string]: unknown;
}

export const ERROR_CODES = [
  'invalid_frame',
  'invalid_input',
  'not_found',
  'forbidden',
  'rate_limited',
  'unavailable',
  'not_authenticated',
  'invalid_token',
  'token_expired',
  'banned',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export const ErrorFrameSchema = frame(
  'error',
  {
    req: Type.Optional(Req),
    code: Type.Union(ERROR_CODES.map((code) => Type.Literal(code))),
    detail: Type.String(),
    room_id: Type.Optional(RoomId),
  },
  'A request failed. The socket stays open unless the code is not_authenticated, ' +
    'invalid_token, token_expired or banned (a site ban: detail says until when).',
);
export type ErrorFrame = Static<typeof ErrorFrameSchema>;

/** The frames about one room: each carries the room's number for the change. */
export const ROOM_FRAME_SCHEMAS = [
  MessageNewFrameSchema,
  MessageUpdatedFrameSchema,
  MessageDeletedFrameSchema,
  MemberJoinedFrameSchema,
  MemberLeftFrameSchema,
  RoomAddedFrameSchema,
  RoomRemovedFrameSchema,
  RoomUpdatedFrameSchema,
] as const;

export type RoomFrame =
  | MessageNewFrame
  | MessageUpdatedFrame
  | MessageDeletedFrame
  | MemberJoinedFrame
  | MemberLeftFrame
  | RoomAddedFrame
  | RoomRemovedFrame
  | RoomUpdatedFrame;

/** What the socket hands on to the app: everything but the answers to requests. */
export type EventFrame =
  | RoomFrame
  | UserUpdatedFrame
  | ResumedFrame
  | PresenceFrame
  | PresenceCountFrame
  | TypingFrame
  | ReadFrame
  | UnreadFrame;

export type ServerFrame = EventFrame | AckFrame | ErrorFrame;

/** Every server frame schema, one per `type`. */
export const SERVER_FRAME_SCHEMAS = [
  ...ROOM_FRAME_SCHEMAS,
  UserUpdatedFrameSchema,
  ResumedFrameSchema,
  PresenceFrameSchema,
  PresenceCountFrameSchema,
  TypingFrameSchema,
  ReadFrameSchema,
  UnreadFrameSchema,
  AckFrameSchema,
  ErrorFrameSchema,
] as const;

/** The types of the frames that take a room's number; no other frame does. */
export const ROOM_FRAME_TYPES: ReadonlySet<string> = new Set(
  ROOM_FRAME_SCHEMAS.map((schema) => schema.$id as string),
);

export function isRoomFrame(frame: { type: string }): frame is RoomFrame {
  return ROOM_FRAME_TYPES.has(frame.type);
}

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

export function roomAddedFrame(room: RoomAddedFrame['room'], seq: number): RoomAddedFrame {
  return { type: 'room.added', room_id: room.id, seq, room };
}

export function roomRemovedFrame(
  roomId: number,
  seq: number,
  reason: 'left' | 'removed',
): RoomRemovedFrame {
  return { type: 'room.removed', room_id: roomId, seq, reason };
}

export function presenceFrame(userId: number, status: PresenceStatus): PresenceFrame {
  return { type: 'presence', user_id: userId, status };
}

export function presenceCountFrame(roomId: number, online: number): PresenceCountFrame {
  return { type: 'presence.count', room_id: roomId, online };
}

export function typingFrame(roomId: number, userId: number): TypingFrame {
  return { type: 'typing', room_id: roomId, user_id: userId };
}

export function readFrame(roomId: number, seq: number): ReadFrame {
  return { type: 'read', room_id: roomId, seq };
}

export function unreadFrame(roomId: number, counts: UnreadCounts, lastSeq: number): UnreadFrame {
  return {
    type: 'unread',
    room_id: roomId,
    unread: counts.unread,
    mentions: counts.mentions,
    last_read_seq: counts.last_read_seq,
    last_seq: lastSeq,
  };
}
