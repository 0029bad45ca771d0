import { isClientId, normalizeMessageText } from '@chat/messages';

/** A frame a v2 client sends, as read and checked (see docs/protocol.md). */
export type V2ClientFrame =
  | { type: 'auth'; req?: string; token: string }
  | { type: 'message.send'; req?: string; roomId: number; text: string; clientId?: string }
  | { type: 'message.edit'; req?: string; messageId: number; text: string }
  | { type: 'message.delete'; req?: string; messageId: number }
  | { type: 'resume'; req?: string; rooms: Map<number, number> };

/** Why a frame was not read: the error code and what to tell the client. */
export interface FrameProblem {
  req?: string;
  code: 'invalid_frame' | 'invalid_input';
  detail: string;
}

/** At most this many rooms in one resume. */
export const RESUME_MAX_ROOMS = 1_000;
const REQ = /^[^\p{Cc}]{1,64}$/u;
const MAX_ID = 2_147_483_647;

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
export function parseV2ClientFrame(data: Buffer, isBinary: boolean): V2ClientFrame | FrameProblem {
  if (isBinary) return invalid(undefined, 'Frames are JSON text');
  let value: unknown;
  try {
    value = JSON.parse(data.toString('utf8'));
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
    default:
      return invalid(req, 'Unknown frame type');
  }
}

export function isFrameProblem(frame: V2ClientFrame | FrameProblem): frame is FrameProblem {
  return 'code' in frame;
}

function parseSend(fields: Fields, req: string | undefined): V2ClientFrame | FrameProblem {
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

function parseResume(fields: Fields, req: string | undefined): V2ClientFrame | FrameProblem {
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
