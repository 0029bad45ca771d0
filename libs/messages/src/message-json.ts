import type { ChatMessage, RoomMessage } from '@chat/protocol';

export type { RoomMessage };

/** The v2 shape of a message the compat shape describes. */
export function toRoomMessage(
  message: ChatMessage,
  roomId: number,
  seq: number,
  editedAt: string | null,
  mentions: number[],
): RoomMessage {
  return Object.assign({}, message, { room_id: roomId, seq, edited_at: editedAt, mentions });
}

const ISO_UTC = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The wire shape of a message (ChatMessage) as PostgreSQL builds it from `messages m JOIN users u`:
 * its one definition, for history pages, replays and broadcasts alike. History pages go out as
 * the text PostgreSQL wrote; replays and broadcasts parse it, since their frames are built per
 * message. `timeZonePlaceholder` is the SQL parameter (such as `$3`) holding TIME_ZONE, for time_send (HH:MM:SS); created_at
 * is UTC ISO 8601 with milliseconds, as toISOString() writes.
 */
export function messageJsonSql(timeZonePlaceholder: string): string {
  return `json_build_object(${compatFields(timeZonePlaceholder)})`;
}

/** The v2 shape (RoomMessage): the compat fields in their order, then the room's. */
export function roomMessageJsonSql(timeZonePlaceholder: string): string {
  return `json_build_object(${compatFields(timeZonePlaceholder)},
    'room_id', m.room_id, 'seq', m.seq,
    'edited_at', to_char(m.edited_at AT TIME ZONE 'UTC', ${ISO_UTC}), 'mentions', m.mentions)`;
}

function compatFields(timeZonePlaceholder: string): string {
  return `
    'message_id', m.id, 'user_id', m.user_id, 'name', u.name, 'role', u.role,
    'user_avatar', u.avatar, 'message', m.text,
    'time_send', to_char(m.created_at AT TIME ZONE ${timeZonePlaceholder}, 'HH24:MI:SS'),
    'created_at', to_char(m.created_at AT TIME ZONE 'UTC', ${ISO_UTC}),
    'edited', m.edited_at IS NOT NULL`;
}

/** A stored message with the keys the writer matches on (node-postgres parses the json column). */
export interface StoredMessage {
  room_id: number;
  seq: number;
  user_id: number;
  client_id: string | null;
  message: ChatMessage;
  /** The users its @names named (v2 shows them; the compat shape has no place for them). */
  mentions: number[];
}
