import { UNREAD_LIMIT } from '@chat/protocol';
import { GENERAL_ROOM_ID } from './general-room';

/**
 * A reader's unread and mention counts in a room, as two columns (`unread`, `mentions`) of a
 * SELECT: the messages numbered after the reader's marker, not written by the reader, counted
 * up to UNREAD_LIMIT. Deleted messages are gone from the table, so they never count. Each count
 * is a range scan from the marker stopped at the limit, for unread a walk of
 * messages_room_id_seq_key (chat_unread_count, see the migrations) and for mentions of the partial
 * index messages_mentions_idx (messages that mention anyone): the counts come from the messages
 * themselves, never from a counter kept beside them.
 *
 * `room`, `reader` and `marker` are SQL expressions for the room id, the reader's id and their
 * read marker.
 */
export function unreadCountsSql(room: string, reader: string, marker: string): string {
  const after = `c.room_id = ${room} AND c.seq > ${marker} AND c.user_id <> ${reader}`;
  return `
    chat_unread_count(${room}, ${reader}, ${marker}, ${UNREAD_LIMIT}) AS unread,
    (SELECT count(*) FROM (SELECT 1 FROM messages c
                            WHERE ${after} AND c.mentions <> '{}' AND ${reader} = ANY (c.mentions)
                            LIMIT ${UNREAD_LIMIT}) mentioned)::int AS mentions`;
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
