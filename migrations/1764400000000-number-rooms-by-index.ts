import { MigrationInterface, QueryRunner } from 'typeorm';
import { INSERT_MESSAGES_IN_ROOMS } from './1764380000000-insert-messages-in-rooms';

/**
 * chat_insert_messages_in_rooms, its work bounded by its batch whatever the planner's statistics
 * say (same arguments, rules and results as the first version).
 *
 * Without statistics on `rooms` (never analyzed: a young table, autovacuum off or behind),
 * PostgreSQL took the table for one row and moved the rooms' numbers by scanning every room once
 * per room of the batch; and the insert found each row's room number by scanning the batch's
 * rooms once per row. Now the update reaches the batch's rooms by id (`id = ANY`, which the
 * primary key serves, or a filter for a small table), and each row's room number is a key lookup
 * in a jsonb object.
 *
 * Its statements keep one generic plan each (plan_cache_mode): PostgreSQL otherwise planned them
 * afresh on every call, the batch's arrays as constants, which was half the cost of a call of one
 * row (0.55 -> 0.16 ms inside PostgreSQL; 1.15 -> 0.81 ms a round trip with its commit).
 *
 * FindRoomsByKey later adds `enable_seqscan = off` to the function: a replacement built from this
 * text must add it back.
 */
const NUMBER_ROOMS_BY_INDEX = `
  CREATE OR REPLACE FUNCTION chat_insert_messages_in_rooms(
    room_ids integer[], user_ids integer[], texts text[], client_ids text[],
    batch_write_id uuid, mention_names text[] DEFAULT NULL
  ) RETURNS SETOF messages LANGUAGE plpgsql VOLATILE ROWS 100
    SET plan_cache_mode = force_generic_plan AS $$
  DECLARE
    asked integer := coalesce(array_length(room_ids, 1), 0);
    open_rooms integer[];
    -- Each open room's number before this batch, by room id (as text).
    lasts jsonb;
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
                    WHERE r.id = ANY (room_ids) AND r.id = asked_rooms.room
                      AND r.archived_at IS NULL
                RETURNING r.id, r.last_seq - asked_rooms.n AS last)
    SELECT array_agg(id), jsonb_object_agg(id, last) INTO open_rooms, lasts FROM moved;
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
      SELECT batch.room,
             (lasts ->> batch.room::text)::bigint
               + row_number() OVER (PARTITION BY batch.room ORDER BY position),
             batch.user_id, batch.text, batch.client_id, batch_write_id,
             CASE WHEN batch.names IS NULL THEN '{}'
                  ELSE chat_mentioned_users(batch.room, string_to_array(batch.names, E'\\n')) END
        FROM (SELECT rows.*,
                     row_number() OVER (PARTITION BY room, user_id, client_id ORDER BY position) AS nth
                FROM unnest(room_ids, user_ids, texts, client_ids,
                            coalesce(mention_names, array_fill(NULL::text, ARRAY[asked])))
                     WITH ORDINALITY AS rows (room, user_id, text, client_id, names, position)) batch
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
                                   WHERE m.room_id = r.id AND m.seq > (lasts ->> r.id::text)::bigint),
                                 (lasts ->> r.id::text)::bigint)
       WHERE r.id = ANY (open_rooms);
    END IF;
  END $$`;

export class NumberRoomsByIndex1764400000000 implements MigrationInterface {
  name = 'NumberRoomsByIndex1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(NUMBER_ROOMS_BY_INDEX);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      INSERT_MESSAGES_IN_ROOMS.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
    );
  }
}
