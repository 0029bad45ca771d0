import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * chat_insert_messages_in_rooms: the messages of any number of rooms in one set-based statement,
 * so a writer whose batch spans many rooms makes one round trip and one commit, and PostgreSQL
 * does the same work per row whether the rows share a room or not (a loop calling
 * chat_insert_messages per room cost some 0.3 ms a room). It keeps chat_insert_messages' rules:
 *
 * - The rooms' rows are locked in ascending id order (two writers never wait on each other in a
 *   cycle), and each room's number moves on by its rows.
 * - A closed or missing room, or an author who is not a member (the general room excepted), fails
 *   the whole statement (the writer then stores each room on its own).
 * - Rows whose author already stored their key in the room, or that repeat a key earlier in the
 *   batch, are skipped, and the numbers of the rows kept follow each other with no gap.
 * - Mentions are resolved per row (`mention_names`: the names joined by newlines, NULL for none).
 *
 * The rows come back in ascending room order, each room's in the order given. Row arrays of
 * different lengths are a caller's mistake, refused as such (P0001), never taken for bad data.
 */
export const INSERT_MESSAGES_IN_ROOMS = `
  CREATE FUNCTION chat_insert_messages_in_rooms(
    room_ids integer[], user_ids integer[], texts text[], client_ids text[],
    batch_write_id uuid, mention_names text[] DEFAULT NULL
  ) RETURNS SETOF messages LANGUAGE plpgsql VOLATILE ROWS 100 AS $$
  DECLARE
    asked integer := coalesce(array_length(room_ids, 1), 0);
    open_rooms integer[];
    lasts bigint[];
    stored integer;
    refused integer;
  BEGIN
    IF coalesce(array_length(user_ids, 1), 0) <> asked
       OR coalesce(array_length(texts, 1), 0) <> asked
       OR coalesce(array_length(client_ids, 1), 0) <> asked
       OR (mention_names IS NOT NULL AND coalesce(array_length(mention_names, 1), 0) <> asked)
       OR array_position(room_ids, NULL) IS NOT NULL THEN
      RAISE EXCEPTION 'chat_insert_messages_in_rooms: the row arrays differ in length';
    END IF;
    PERFORM 1 FROM rooms WHERE id = ANY (room_ids) ORDER BY id FOR NO KEY UPDATE;
    WITH asked_rooms AS (SELECT room, count(*) AS n FROM unnest(room_ids) room GROUP BY room),
         moved AS (UPDATE rooms r SET last_seq = r.last_seq + asked_rooms.n
                     FROM asked_rooms
                    WHERE r.id = asked_rooms.room AND r.archived_at IS NULL
                RETURNING r.id, r.last_seq - asked_rooms.n AS last)
    SELECT array_agg(id), array_agg(last) INTO open_rooms, lasts FROM moved;
    SELECT min(room) INTO refused FROM unnest(room_ids) room
     WHERE room <> ALL (coalesce(open_rooms, '{}'));
    IF refused IS NOT NULL THEN
      RAISE foreign_key_violation USING MESSAGE = format('No open room %s', refused);
    END IF;
    SELECT min(author.room) INTO refused FROM unnest(room_ids, user_ids) AS author (room, id)
     WHERE author.room <> 1
       AND NOT EXISTS (SELECT 1 FROM room_members rm
                        WHERE rm.room_id = author.room AND rm.user_id = author.id);
    IF refused IS NOT NULL THEN
      RAISE integrity_constraint_violation USING MESSAGE = format('Not a member of room %s', refused);
    END IF;
    RETURN QUERY
      INSERT INTO messages (room_id, seq, user_id, text, client_id, write_id, mentions)
      SELECT batch.room, opened.last + row_number() OVER (PARTITION BY batch.room ORDER BY position),
             batch.user_id, batch.text, batch.client_id, batch_write_id,
             CASE WHEN batch.names IS NULL THEN '{}'
                  ELSE chat_mentioned_users(batch.room, string_to_array(batch.names, E'\\n')) END
        FROM (SELECT rows.*,
                     row_number() OVER (PARTITION BY room, user_id, client_id ORDER BY position) AS nth
                FROM unnest(room_ids, user_ids, texts, client_ids,
                            coalesce(mention_names, array_fill(NULL::text, ARRAY[asked])))
                     WITH ORDINALITY AS rows (room, user_id, text, client_id, names, position)) batch
        JOIN unnest(open_rooms, lasts) AS opened (id, last) ON opened.id = batch.room
       WHERE batch.client_id IS NULL
          OR (batch.nth = 1 AND NOT EXISTS (
                SELECT 1 FROM messages m
                 WHERE m.room_id = batch.room AND m.user_id = batch.user_id
                   AND m.client_id = batch.client_id))
       ORDER BY batch.room, batch.position
      RETURNING *;
    GET DIAGNOSTICS stored = ROW_COUNT;
    IF stored < asked THEN
      -- Rows were skipped: each room's number is its newest stored row's (no gap left).
      UPDATE rooms r
         SET last_seq = coalesce((SELECT max(m.seq) FROM messages m
                                   WHERE m.room_id = opened.id AND m.seq > opened.last),
                                 opened.last)
        FROM unnest(open_rooms, lasts) AS opened (id, last)
       WHERE r.id = opened.id;
    END IF;
  END $$`;

export class InsertMessagesInRooms1764380000000 implements MigrationInterface {
  name = 'InsertMessagesInRooms1764380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(INSERT_MESSAGES_IN_ROOMS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION chat_insert_messages_in_rooms(integer[], integer[], text[], text[], uuid, text[])`,
    );
  }
}
