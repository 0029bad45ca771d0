import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Rooms, with room 1 "general" holding every existing message, and a per-room sequence on
 * messages: gap-free and in commit order, each message numbered in the transaction that stores it.
 * The idempotency key becomes per room.
 */
export class AddRoomsAndMessageSeq1764330000000 implements MigrationInterface {
  name = 'AddRoomsAndMessageSeq1764330000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE rooms (
        id serial PRIMARY KEY,
        kind varchar NOT NULL CONSTRAINT rooms_kind_check CHECK (kind IN ('public', 'private', 'direct')),
        name varchar(64),
        topic varchar(256) NOT NULL DEFAULT '',
        created_by integer CONSTRAINT rooms_created_by_fkey REFERENCES users (id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        archived_at timestamptz,
        last_seq bigint NOT NULL DEFAULT 0
      )`);
    await queryRunner.query(`INSERT INTO rooms (id, kind, name) VALUES (1, 'public', 'general')`);
    await queryRunner.query(`SELECT setval(pg_get_serial_sequence('rooms', 'id'), 1)`);

    // A constant default: no table rewrite for room_id.
    await queryRunner.query(`
      ALTER TABLE messages
        ADD COLUMN room_id integer NOT NULL DEFAULT 1
          CONSTRAINT messages_room_id_fkey REFERENCES rooms (id),
        ADD COLUMN seq bigint`);
    await queryRunner.query(`
      UPDATE messages m SET seq = numbered.seq
        FROM (SELECT id, row_number() OVER (ORDER BY id) AS seq FROM messages) numbered
       WHERE m.id = numbered.id`);
    await queryRunner.query(`ALTER TABLE messages ALTER COLUMN seq SET NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE messages ADD CONSTRAINT messages_room_id_seq_key UNIQUE (room_id, seq)`,
    );
    await queryRunner.query(
      `UPDATE rooms SET last_seq = (SELECT coalesce(max(seq), 0) FROM messages) WHERE id = 1`,
    );

    await queryRunner.query(`DROP INDEX messages_user_client_id_key`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_room_user_client_id_key ON messages (room_id, user_id, client_id)
        WHERE client_id IS NOT NULL`,
    );

    await queryRunner.query(INSERT_MESSAGES_FUNCTION);
    await queryRunner.query(NUMBER_MESSAGE_FUNCTION);
    await queryRunner.query(`
      CREATE TRIGGER messages_number BEFORE INSERT ON messages
        FOR EACH ROW WHEN (NEW.seq IS NULL) EXECUTE FUNCTION chat_number_message()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER messages_number ON messages`);
    await queryRunner.query(`DROP FUNCTION chat_number_message()`);
    await queryRunner.query(
      `DROP FUNCTION chat_insert_messages(integer, integer[], text[], text[], uuid)`,
    );
    await queryRunner.query(`DROP INDEX messages_room_user_client_id_key`);
    // One room again: a key its author used in several rooms stays on the oldest message only.
    await queryRunner.query(`
      UPDATE messages SET client_id = NULL
       WHERE id IN (SELECT id
                      FROM (SELECT id, row_number() OVER (PARTITION BY user_id, client_id ORDER BY id) AS nth
                              FROM messages WHERE client_id IS NOT NULL) keyed
                     WHERE nth > 1)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_user_client_id_key ON messages (user_id, client_id)
        WHERE client_id IS NOT NULL`,
    );
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN seq, DROP COLUMN room_id`);
    await queryRunner.query(`DROP TABLE rooms`);
  }
}

/**
 * Stores a batch of messages in one room in one round trip: the new rows, numbered in batch order
 * after the room's last_seq. A row whose key (room, author, client_id) is stored already, or comes
 * earlier in the batch, is skipped without taking a number.
 *
 * 1. The room row is locked first (FOR NO KEY UPDATE: it excludes the other writers of the room,
 *    not the foreign-key checks of inserts). This orders the commits of a room, and since the lock
 *    is held to the commit, last_seq + 1 is free, and stays free, for this transaction alone.
 * 2. Only then are the keys stored before looked up: in READ COMMITTED each statement of a
 *    volatile function takes a new snapshot, so this one sees every row committed by the writers it
 *    waited for. Looking them up in the same statement as the lock (one snapshot, taken before the
 *    wait) would miss a concurrent repeat: the insert would then violate the unique key, or with
 *    ON CONFLICT DO NOTHING skip the row after numbering it, leaving a gap.
 * 3. The rows left are inserted in batch order, so ids and seqs agree in order within the room. A
 *    refused row fails the statement, and the rollback takes its numbers back with it.
 *
 * Edits and deletes take no number yet: the per-room change log comes with them.
 */
const INSERT_MESSAGES_FUNCTION = `
  CREATE FUNCTION chat_insert_messages(
    room integer, user_ids integer[], texts text[], client_ids text[], batch_write_id uuid
  ) RETURNS SETOF messages LANGUAGE plpgsql VOLATILE ROWS 100 AS $$
  DECLARE
    last bigint;
    stored bigint;
  BEGIN
    SELECT last_seq INTO last FROM rooms WHERE id = room FOR NO KEY UPDATE;
    IF NOT FOUND THEN
      RAISE foreign_key_violation USING MESSAGE = format('No room %s', room);
    END IF;
    RETURN QUERY
      INSERT INTO messages (room_id, seq, user_id, text, client_id, write_id)
      SELECT room, last + row_number() OVER (ORDER BY position), user_id, text, client_id,
             batch_write_id
        FROM (SELECT batch.*,
                     row_number() OVER (PARTITION BY user_id, client_id ORDER BY position) AS nth
                FROM unnest(user_ids, texts, client_ids) WITH ORDINALITY
                     AS batch (user_id, text, client_id, position)) batch
       WHERE batch.client_id IS NULL
          OR (nth = 1 AND NOT EXISTS (
                SELECT 1 FROM messages m
                 WHERE m.room_id = room AND m.user_id = batch.user_id
                   AND m.client_id = batch.client_id))
       ORDER BY position
      RETURNING *;
    GET DIAGNOSTICS stored = ROW_COUNT;
    IF stored > 0 THEN
      UPDATE rooms SET last_seq = last + stored WHERE id = room;
    END IF;
  END $$`;

/**
 * Numbers a message inserted without a seq (an insert by hand, a test's bulk insert) as the next
 * of its room, under the same lock as chat_insert_messages. An insert that skips rows (ON CONFLICT)
 * must not rely on it: the number is taken before the conflict is seen. It updates the room row
 * once per message, and each update walks the versions the statement made before: fine for a few
 * thousand rows, quadratic beyond (10,000 rows took 2 s, 40,000 took 32 s), so a bulk load numbers
 * its rows itself, as the bench's bulkLoadHistory does.
 */
const NUMBER_MESSAGE_FUNCTION = `
  CREATE FUNCTION chat_number_message() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    UPDATE rooms SET last_seq = last_seq + 1 WHERE id = NEW.room_id RETURNING last_seq INTO NEW.seq;
    RETURN NEW;
  END $$`;
