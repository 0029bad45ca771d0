import { messageJsonSql } from './message-json';

// The insert of new messages, apart from MessageStore so that the bench can replay the very
// statement (apps/chat-bench/src/beside-load-process.ts) without Nest's dependency injection.

/** One message of a batch to insert. */
export interface MessageRow {
  roomId: number;
  userId: number;
  text: string;
  /** The author's idempotency key; null for none. */
  clientId: string | null;
  /** The names its text mentions (mentionedNames), resolved to users by the insert; none if absent. */
  mentionedNames?: string[];
}

/**
 * Each row's author as `u`, read by id, in this insert and MessageStore's reads: a join left to
 * the planner hashed the whole users table on every insert when its statistics were missing or old
 * (the insert says it returns 100 rows).
 */
export const AUTHOR = `CROSS JOIN LATERAL (
    SELECT name, role, avatar FROM users WHERE id = m.user_id LIMIT 1) u`;

/** A StoredMessage of `messages m` and its author `u`; `$timeZone` is TIME_ZONE's parameter. */
export const stored = (timeZone: string) =>
  `m.room_id, m.seq::float8 AS seq, m.user_id, m.client_id, ${messageJsonSql(timeZone)} AS message,
   m.mentions`;

/**
 * One round trip and one commit for any number of rooms: chat_insert_messages_in_rooms (see the
 * migrations) numbers the rows in their rooms' sequences, resolves their mentions and skips rows
 * whose key the room has stored; they come back in id order (rooms ascending, each room's rows in
 * the order given).
 */
const INSERT_BATCH = `
  SELECT ${stored('$6')}
    FROM chat_insert_messages_in_rooms($1, $2, $3, $4, $5, $7) m ${AUTHOR}
   ORDER BY m.id`;

/** Names as chat_mentioned_users takes them: joined by newlines, which no name holds; null: none. */
export function namesParameter(names: string[] = []): string | null {
  return names.length > 0 ? names.join('\n') : null;
}

/** The statement that inserts a batch (see MessageStore.insertBatch) and its parameters. */
export function insertBatchStatement(
  rows: MessageRow[],
  writeId: string,
  timeZone: string,
): { text: string; values: unknown[] } {
  return {
    text: INSERT_BATCH,
    values: [
      rows.map((row) => row.roomId),
      rows.map((row) => row.userId),
      rows.map((row) => row.text),
      rows.map((row) => row.clientId),
      writeId,
      timeZone,
      rows.map((row) => namesParameter(row.mentionedNames)),
    ],
  };
}
