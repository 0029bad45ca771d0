import { Static, TSchema, Type } from '@sinclair/typebox';
import { RoomMessageSchema, UnreadCountsSchema } from './models';
import {
  CLIENT_ID_MAX_CHARACTERS,
  isClientId,
  MESSAGE_MAX_CHARACTERS,
  normalizeMessageText,
} from './text-rules';

/*
 * The frames a chat.v2 client sends (docs/protocol.md): their wire shapes as JSON Schema and type,
 * what each request's `ack` carries, and the server's reading of a frame (parseClientFrame), which
 * also applies the rules a schema cannot say (text is trimmed, then 1 to 1000 characters).
 */

/** The WebSocket subprotocol a v2 client asks for. */
export const SUBPROTOCOL = 'chat.v2';
/** The version of the frames this package describes: a new optional field raises the minor. */
export const PROTOCOL_VERSION = '2.0.0';

/** A typing frame is shown this long unless repeated. */
export const TYPING_SHOWN_MS = 5_000;
/** One typing frame per user and room in this time is passed on. */
export const TYPING_THROTTLE_MS = 3_000;

/** At most this many rooms in one resume. */
export const RESUME_MAX_ROOMS = 1_000;
const MAX_ID = 2_147_483_647;

const Req = Type.Optional(
  Type.String({ minLength: 1, maxLength: 64, description: 'echoed in the answer' }),
);
const RoomId = Type.Integer({ minimum: 1, maximum: MAX_ID });
const MessageId = Type.Integer({ minimum: 1 });
const Text = Type.String({
  minLength: 1,
  description: `1 to ${MESSAGE_MAX_CHARACTERS} characters once trimmed`,
});

const request = <K extends string, T extends Record<string, TSchema>>(
  type: K,
  fields: T,
  description: string,
) => Type.Object({ type: Type.Literal(type), req: Req, ...fields }, { $id: type, description });

export const AuthFrameSchema = request(
  'auth',
  { token: Type.String({ minLength: 1 }) },
  'The first frame: the JWT. Sent again later with a fresh token of the same user, it extends ' +
    "the socket past the old token's expiry.",
);
export const MessageSendFrameSchema = request(
  'message.send',
  {
    room_id: RoomId,
    text: Text,
    client_id: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: CLIENT_ID_MAX_CHARACTERS,
        description: 'idempotency key: a resend with the same key is stored once',
      }),
    ),
  },
  'Stores a message in a room the caller is in.',
);
export const MessageEditFrameSchema = request(
  'message.edit',
  { message_id: MessageId, text: Text },
  'Edits a message of the caller.',
);
export const MessageDeleteFrameSchema = request(
  'message.delete',
  { message_id: MessageId },
  'Deletes a message (its author, or a moderator or admin in rooms they may moderate).',
);
export const ResumeFrameSchema = request(
  'resume',
  {
    rooms: Type.Record(
      Type.String({ pattern: '^[1-9][0-9]{0,9}$' }),
      Type.Integer({ minimum: 0 }),
      {
        description: `room id -> the last seq the client has; at most ${RESUME_MAX_ROOMS} rooms`,
      },
    ),
  },
  'Replays what each room had after the given numbers, then live changes follow.',
);

export const ClientTypingFrameSchema = request(
  'typing',
  { room_id: RoomId },
  `The caller is typing in a room it is in: its other members see it for ${TYPING_SHOWN_MS / 1000} s. ` +
    `Send at most one per room each ${TYPING_THROTTLE_MS / 1000} s while typing; the server passes ` +
    'on one per user and room each half second less (so a steady pace loses none) and ' +
    'acknowledges and drops the rest.',
);
export const ClientReadFrameSchema = request(
  'read',
  { room_id: RoomId, seq: Type.Integer({ minimum: 0 }) },
  "Moves the caller's read marker in a room up to seq (never backwards, never past the room's " +
    "last number); the caller's sockets get read and unread frames.",
);
export const ClientPresenceFrameSchema = request(
  'presence',
  { status: Type.Union([Type.Literal('online'), Type.Literal('away')]) },
  "This socket's status (every socket starts online); the user's is the most active of theirs.",
);

export const CLIENT_FRAME_SCHEMAS = [
  AuthFrameSchema,
  MessageSendFrameSchema,
  MessageEditFrameSchema,
  MessageDeleteFrameSchema,
  ResumeFrameSchema,
  ClientTypingFrameSchema,
  ClientReadFrameSchema,
  ClientPresenceFrameSchema,
] as const;

export type AuthFrame = Static<typeof AuthFrameSchema>;
export type MessageSendFrame = Static<typeof MessageSendFrameSchema>;
export type MessageEditFrame = Static<typeof MessageEditFrameSchema>;
export type MessageDeleteFrame = Static<typeof MessageDeleteFrameSchema>;
export type ResumeFrame = Static<typeof ResumeFrameSchema>;
export type ClientTypingFrame = Static<typeof ClientTypingFrameSchema>;
export type ClientReadFrame = Static<typeof ClientReadFrameSchema>;
export type ClientPresenceFrame = Static<typeof ClientPresenceFrameSchema>;
/** A frame as a client puts it on the wire. */
export type ClientFrame =
  | AuthFrame
  | MessageSendFrame
  | MessageEditFrame
  | MessageDeleteFrame
  | ResumeFrame
  | ClientTypingFrame
  | ClientReadFrame
  | ClientPresenceFrame;

/** What the `ack` of each request carries besides `type` and `req`. */
export const AuthResultSchema = Type.Object(
  {
    user_id: Type.Integer({ minimum: 1 }),
    rooms: Type.Optional(
      Type.Array(Type.Object({ room_id: RoomId, last_seq: Type.Integer({ minimum: 0 }) }), {
        description:
          'the first auth only: every room of the user, and the number it is followed from',
      }),
    ),
  },
  { $id: 'AuthResult' },
);
export const SendResultSchema = Type.Object({ message: RoomMessageSchema }, { $id: 'SendResult' });
export const ChangeResultSchema = Type.Object(
  { message_id: MessageId, room_id: RoomId, seq: Type.Integer({ minimum: 1 }) },
  { $id: 'ChangeResult' },
);
export const ReadResultSchema = Type.Composite(
  [Type.Object({ room_id: RoomId }), UnreadCountsSchema],
  {
    $id: 'ReadResult',
  },
);
export interface RequestResults {
  auth: Static<typeof AuthResultSchema>;
  'message.send': Static<typeof SendResultSchema>;
  'message.edit': Static<typeof ChangeResultSchema>;
  'message.delete': Static<typeof ChangeResultSchema>;
  resume: Record<string, never>;
  typing: Record<string, never>;
  read: Static<typeof ReadResultSchema>;
  presence: Record<string, never>;
}

/** A client frame as the server reads it: checked, with its text normalised. */
export type ParsedClientFrame =
  | { type: 'auth'; req?: string; token: string }
  | { type: 'message.send'; req?: string; roomId: number; text: string; clientId?: string }
  | { type: 'message.edit'; req?: string; messageId: number; text: string }
  | { type: 'message.delete'; req?: string; messageId: number }
  | { type: 'resume'; req?: string; rooms: Map<number, number> }
  | { type: 'typing'; req?: string; roomId: number }
  | { type: 'read'; req?: string; roomId: number; seq: number }
  | { type: 'presence'; req?: string; status: 'online' | 'away' };

/** Why a frame was not read: the error code and what to tell the client. */
export interface FrameProblem {
  req?: string;
  code: 'invalid_frame' | 'invalid_input';
  detail: string;
}

const REQ = /^[^\p{Cc}]{1,64}$/u;

type Fields = Record<string, unknown>;

/** A room id (a PostgreSQL integer). */
const isId = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0 && (value as number) <= MAX_ID;
/** A message id (a bigint, as far as a JSON number holds it exactly). */
const isMessageId = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) > 0;
const isSeq = (value: unknown): value is number =>
  Number.isSafeInteger(value) && (value as number) >= 0;

/** Reads a client frame, or says what is wrong with it (with its `req` when that was readable). */
export function parseClientFrame(text: string): ParsedClientFrame | FrameProblem {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(undefined, 'Not JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return invalid(undefined, 'A frame is a JSON object');
  }
  const fields = value as Fields;
  if (fields.req !== undefined && !(typeof fields.req === 'string' && REQ.test(fields.req))) {
    return invalid(undefined, 'req must be a string of 1 to 64 characters');
  }
  const req = fields.req as string | undefined;
  switch (fields.type) {
    case 'auth':
      return typeof fields.token === 'string' && fields.token !== ''
        ? { type: 'auth', req, token: fields.token }
        : invalid(req, 'auth needs a token');
    case 'message.send':
      return parseSend(fields, req);
    case 'message.edit': {
      if (!isMessageId(fields.message_id)) {
        return invalid(req, 'message_id must be a positive integer');
      }
      if (typeof fields.text !== 'string') return invalid(req, 'text must be a string');
      const text = normalizeMessageText(fields.text);
      if (text === null) return badText(req);
      return { type: 'message.edit', req, messageId: fields.message_id, text };
    }
    case 'message.delete':
      return isMessageId(fields.message_id)
        ? { type: 'message.delete', req, messageId: fields.message_id }
        : invalid(req, 'message_id must be a positive integer');
    case 'resume':
      return parseResume(fields, req);
    case 'typing':
      return isId(fields.room_id)
        ? { type: 'typing', req, roomId: fields.room_id }
        : invalid(req, 'room_id must be a positive integer');
    case 'read':
      if (!isId(fields.room_id)) return invalid(req, 'room_id must be a positive integer');
      return isSeq(fields.seq)
        ? { type: 'read', req, roomId: fields.room_id, seq: fields.seq }
        : invalid(req, 'seq must be an integer of 0 or more');
    case 'presence':
      return fields.status === 'online' || fields.status === 'away'
        ? { type: 'presence', req, status: fields.status }
        : { req, code: 'invalid_input', detail: 'status must be "online" or "away"' };
    default:
      return invalid(req, 'Unknown frame type');
  }
}

export function isFrameProblem(frame: ParsedClientFrame | FrameProblem): frame is FrameProblem {
  return 'code' in frame;
}

function parseSend(fields: Fields, req: string | undefined): ParsedClientFrame | FrameProblem {
  if (!isId(fields.room_id)) return invalid(req, 'room_id must be a positive integer');
  // A field of the wrong type is a malformed frame; a string that breaks a rule is bad input.
  if (typeof fields.text !== 'string') return invalid(req, 'text must be a string');
  if (fields.client_id !== undefined && typeof fields.client_id !== 'string') {
    return invalid(req, 'client_id must be a string');
  }
  const text = normalizeMessageText(fields.text);
  if (text === null) return badText(req);
  if (fields.client_id !== undefined && !isClientId(fields.client_id)) {
    return {
      req,
      code: 'invalid_input',
      detail: 'client_id must be 1 to 64 characters without control characters',
    };
  }
  return { type: 'message.send', req, roomId: fields.room_id, text, clientId: fields.client_id };
}

function parseResume(fields: Fields, req: string | undefined): ParsedClientFrame | FrameProblem {
  const rooms = fields.rooms;
  if (typeof rooms !== 'object' || rooms === null || Array.isArray(rooms)) {
    return invalid(req, 'rooms must be an object of room ids to numbers');
  }
  const entries = Object.entries(rooms as Fields);
  if (entries.length > RESUME_MAX_ROOMS) {
    return invalid(req, `At most ${RESUME_MAX_ROOMS} rooms in one resume`);
  }
  const points = new Map<number, number>();
  for (const [key, seq] of entries) {
    const roomId = /^[1-9]\d{0,9}$/.test(key) ? Number(key) : NaN;
    if (!isId(roomId) || !isSeq(seq)) {
      return invalid(req, 'rooms must map room ids to numbers of 0 or more');
    }
    points.set(roomId, seq);
  }
  return { type: 'resume', req, rooms: points };
}

function invalid(req: string | undefined, detail: string): FrameProblem {
  return { req, code: 'invalid_frame', detail };
}

function badText(req: string | undefined): FrameProblem {
  return { req, code: 'invalid_input', detail: 'text must be 1 to 1000 characters, not blank' };
}
