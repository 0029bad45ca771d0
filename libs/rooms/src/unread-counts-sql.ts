import { UNREAD_LIMIT } from '@chat/protocol';
import { GENERAL_ROOM_ID } from './general-room';

/**
 * A reader's unread and mention counts in a room, as two columns (`unread`, `mentions`) of a
 * SELECT: the messages numbered after the reader's marker, not written by the reader, and those of
 * them that mention the reader, counted up to UNREAD_LIMIT. Deleted messages are gone from the
 * tables, so they never count. Each count is a walk from the marker stopped at the limit, of
 * messages_room_id_seq_key (chat_unread_count) and of the reader's rows of message_mentions
 * (chat_mention_count; see the migrations): the counts come from the messages themselves, never
 * from a counter kept beside them.
 *
 * `room`, `reader` and `marker` are SQL expressions for the room id, the reader's id and their
 * read marker.
 */
export function unreadCountsSql(room: string, reader: string, marker: string): string {
  return `
    chat_unread_count(${room}, ${reader}, ${marker}, ${UNREAD_LIMIT}) AS unread,
    chat_mention_count(${room}, ${reader}, ${marker}, ${UNREAD_LIMIT}) AS mentions`;
}

/**
 * The read markers (`user_id`, `last_read_seq`) of the users `$users` (an integer[] parameter) in
 * room `$room`: on their member rows, or for the general room, which has none, in
 * general_read_markers.
 */
export function readMarkersSql(room: string, users: string): string {
  return `
    SELECT g.user_id, g.last_read_seq FROM general_read_markers g
     WHERE ${room} = ${GENERAL_ROOM_ID} AND g.user_id = ANY (${users}::integer[])
    UNION ALL
    SELECT m.user_id, m.last_read_seq FROM room_members m
     WHERE m.room_id = ${room} AND m.user_id = ANY (${users}::integer[])`;
}
