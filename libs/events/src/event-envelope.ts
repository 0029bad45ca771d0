import { ChatEvent, ChatMessage } from './chat-events';

/** What instances send each other over Redis: an event and the instance that published it. */
export interface Envelope {
  origin: string;
  event: ChatEvent;
}

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
/** Ids and roles: positive integers. */
const isId = (value: unknown): value is number => Number.isSafeInteger(value) && Number(value) > 0;
const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number =>
  Number.isSafeInteger(value) && Number(value) >= 0;

function isChatMessage(value: unknown): value is ChatMessage {
  return (
    isObject(value) &&
    isId(value.message_id) &&
    isId(value.user_id) &&
    isString(value.name) &&
    isId(value.role) &&
    isString(value.user_avatar) &&
    isString(value.message) &&
    isString(value.time_send) &&
    isString(value.created_at) &&
    typeof value.edited === 'boolean'
  );
}

const ROOM_KINDS = new Set(['public', 'private', 'direct']);

function isRoomSummary(value: unknown): boolean {
  return (
    isObject(value) &&
    isId(value.id) &&
    isString(value.kind) &&
    ROOM_KINDS.has(value.kind) &&
    (value.name === null || isString(value.name)) &&
    isString(value.topic) &&
    isString(value.created_at) &&
    isCount(value.member_count) &&
    isCount(value.last_seq) &&
    typeof value.archived === 'boolean'
  );
}

function isRoomMember(value: unknown): boolean {
  return (
    isObject(value) &&
    isId(value.user_id) &&
    isString(value.name) &&
    isId(value.role) &&
    isString(value.user_avatar) &&
    (value.room_role === 'owner' || value.room_role === 'member')
  );
}

const isIdList = (value: unknown): value is number[] => Array.isArray(value) && value.every(isId);
const PRESENCE_STATUSES = new Set(['online', 'away', 'offline']);

/** A room event's room and number. */
const inRoom = (e: Fields) => isId(e.roomId) && isId(e.seq);
/** The optional number and author of the message an edit or a deletion changed. */
const isMessagePlace = (e: Fields) =>
  (e.messageSeq === undefined || isId(e.messageSeq)) &&
  (e.authorId === undefined || isId(e.authorId));

/** One check per event type: a new type in ChatEvent does not compile until it has its own. */
const IS_VALID: { [Type in ChatEvent['type']]: (event: Fields) => boolean } = {
  'message.created': (e) =>
    inRoom(e) &&
    isChatMessage(e.message) &&
    (e.clientId === undefined || isString(e.clientId)) &&
    (e.editedAt === undefined || isString(e.editedAt)) &&
    (e.mentions === undefined || isIdList(e.mentions)),
  'message.updated': (e) =>
    inRoom(e) &&
    isId(e.messageId) &&
    isString(e.text) &&
    isString(e.editedAt) &&
    (e.mentions === undefined || isIdList(e.mentions)) &&
    (e.previousMentions === undefined || isIdList(e.previousMentions)) &&
    isMessagePlace(e),
  'message.deleted': (e) => inRoom(e) && isId(e.messageId) && isMessagePlace(e),
  'member.joined': (e) => inRoom(e) && isRoomMember(e.member) && isRoomSummary(e.room),
  'member.left': (e) =>
    inRoom(e) && isId(e.userId) && (e.reason === 'left' || e.reason === 'removed'),
  'room.updated': (e) => inRoom(e) && isRoomSummary(e.room),
  'sessions.revoked': (e) => Array.isArray(e.sessionIds) && e.sessionIds.every(isString),
  'user.banned': (e) => isId(e.userId) && isString(e.detail),
  'mutes.changed': (e) => isId(e.userId),
  'avatar.changed': (e) => isId(e.userId) && isString(e.avatar),
  'user.updated': (e) => isId(e.userId) && isString(e.name) && isId(e.role) && isString(e.avatar),
  'user.deleted': (e) => isId(e.userId) && isString(e.previousAvatar),
  'presence.changed': (e) =>
    isId(e.userId) &&
    isString(e.status) &&
    PRESENCE_STATUSES.has(e.status) &&
    isIdList(e.roomIds) &&
    Array.isArray(e.counts) &&
    e.counts.every((count) => isObject(count) && isId(count.roomId) && isCount(count.online)),
  typing: (e) => isId(e.roomId) && isId(e.userId),
  'read.moved': (e) => isId(e.userId) && isId(e.roomId) && isCount(e.seq),
  'unread.changed': (e) =>
    isId(e.userId) &&
    isId(e.roomId) &&
    isCount(e.unread) &&
    isCount(e.mentions) &&
    isCount(e.lastReadSeq) &&
    isCount(e.lastSeq),
};

export function isChatEvent(value: unknown): value is ChatEvent {
  if (!isObject(value) || !isString(value.type) || !Object.hasOwn(IS_VALID, value.type)) {
    return false;
  }
  return IS_VALID[value.type as ChatEvent['type']](value);
}

/** The envelope in a payload read from Redis, or undefined if it is not one in every field. */
export function parseEnvelope(payload: string): Envelope | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!isObject(value) || !isString(value.origin) || !isChatEvent(value.event)) return undefined;
  return { origin: value.origin, event: value.event };
}
