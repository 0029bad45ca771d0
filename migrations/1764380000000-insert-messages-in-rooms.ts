import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * chat_insert_messages_in_rooms: the messages of several rooms in one statement, so a writer
 * whose batch spans many rooms makes one round trip and one commit rather than one per room. The
 * rows come grouped by room, `counts[i]` rows for `rooms[i]`, and each room's are stored by
 * chat_insert_messages (numbering, membership, mentions, keys) as before. The rooms must come in
 * ascending order: their rows are locked in that order, so two writers never wait on each other
 * in a cycle.
 */
export class InsertMessagesInRooms1764380000000 implements MigrationInterface {
  name = 'InsertMessagesInRooms1764380000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION chat_insert_messages_in_rooms(
        rooms integer[], counts integer[], user_ids integer[], texts text[], client_ids text[],
        batch_write_id uuid, mention_names text[]
      ) RETURNS SETOF messages LANGUAGE plpgsql VOLATILE ROWS 100 AS $$
      DECLARE
        first integer := 1;
        last integer;
      BEGIN
        IF array_length(rooms, 1) IS DISTINCT FROM array_length(counts, 1)
           OR (SELECT sum(n) FROM unnest(counts) n) IS DISTINCT FROM array_length(user_ids, 1) THEN
          RAISE invalid_parameter_value USING MESSAGE = 'Rooms and rows do not agree';
        END IF;
        FOR i IN 1 .. coalesce(array_length(rooms, 1), 0) LOOP
          IF i > 1 AND rooms[i] <= rooms[i - 1] THEN
            RAISE invalid_parameter_value USING MESSAGE = 'Rooms must be ascending';
          END IF;
          last := first + counts[i] - 1;
          RETURN QUERY SELECT * FROM chat_insert_messages(
            rooms[i], user_ids[first:last], texts[first:last], client_ids[first:last],
            batch_write_id, mention_names[first:last]);
          first := last + 1;
        END LOOP;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `DROP FUNCTION chat_insert_messages_in_rooms(integer[], integer[], integer[], text[], text[], uuid, text[])`,
    );
  }
}
