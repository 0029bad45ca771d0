import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Room members with a room role, one direct room per pair of users, and the per-room change log:
 * every change that is not a new message (an edit, a delete, a member joining or leaving, a room
 * update) takes the room's next number there, in the transaction that makes it. Messages keep
 * their own number on their row. Room 1 (general) has no member rows: every user is in it.
 */
export class AddRoomMembersAndChanges1764340000000 implements MigrationInterface {
  name = 'AddRoomMembersAndChanges1764340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE room_members (
        room_id integer NOT NULL CONSTRAINT room_members_room_id_fkey REFERENCES rooms (id) ON DELETE CASCADE,
        user_id integer NOT NULL CONSTRAINT room_members_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        role varchar NOT NULL DEFAULT 'member' CONSTRAINT room_members_role_check CHECK (role IN ('owner', 'member')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT room_members_pkey PRIMARY KEY (room_id, user_id)
      )`);
    await queryRunner.query(`CREATE INDEX room_members_user_id_idx ON room_members (user_id)`);

    // "low:high" user ids of a direct room's two members: one direct room per pair.
    await queryRunner.query(`ALTER TABLE rooms ADD COLUMN dm_key varchar(32)`);
    await queryRunner.query(`CREATE UNIQUE INDEX rooms_dm_key_key ON rooms (dm_key)`);
    await queryRunner.query(
      `CREATE INDEX rooms_created_by_created_at_idx ON rooms (created_by, created_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX rooms_public_name_idx ON rooms (lower(name), id) WHERE kind = 'public' AND archived_at IS NULL`,
    );

    await queryRunner.query(`
      CREATE TABLE room_changes (
        room_id integer NOT NULL CONSTRAINT room_changes_room_id_fkey REFERENCES rooms (id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        type varchar NOT NULL,
        payload jsonb NOT NULL,
        deleted_message_seq bigint,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT room_changes_pkey PRIMARY KEY (room_id, seq)
      )`);
    // A replay shows a deleted message's own number as its deletion (see chat_log_change).
    await queryRunner.query(
      `CREATE INDEX room_changes_deleted_message_idx ON room_changes (room_id, deleted_message_seq)
        WHERE deleted_message_seq IS NOT NULL`,
    );

    await queryRunner.query(LOG_CHANGE_FUNCTION);
    await queryRunner.query(INSERT_MESSAGES_FOR_MEMBERS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(INSERT_MESSAGES_FOR_ANYONE);
    await queryRunner.query(`DROP FUNCTION chat_log_change(integer, text, jsonb, bigint)`);
    await queryRunner.query(`DROP TABLE room_changes`);
    await queryRunner.query(`DROP INDEX rooms_public_name_idx`);
    await queryRunner.query(`DROP INDEX rooms_created_by_created_at_idx`);
    await queryRunner.query(`DROP INDEX rooms_dm_key_key`);
    await queryRunner.query(`ALTER TABLE rooms DROP COLUMN dm_key`);
    await queryRunner.query(`DROP TABLE room_members`);
  }
}

/**
 * Records a change in a room under the next number of its sequence and returns that number. The
 * UPDATE locks the room row to the commit, as chat_insert_messages does, so numbers are gap-free
 * and in commit order across messages and changes alike. A deletion also names the deleted
 * message's number, so a replay over that number can say the message is gone.
 */
const LOG_CHANGE_FUNCTION = `
  CREATE FUNCTION chat_log_change(
    room integer, change_type text, change jsonb, deleted_seq bigint DEFAULT NULL
  ) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
  DECLARE
    assigned bigint;
  BEGIN
    UPDATE rooms SET last_seq = last_seq + 1 WHERE id = room RETURNING last_seq INTO assigned;
    IF NOT FOUND THEN
      RAISE foreign_key_violation USING MESSAGE = format('No room %s', room);
    END IF;
    INSERT INTO room_changes (room_id, seq, type, payload, deleted_message_seq)
      VALUES (room, assigned, change_type, change, deleted_seq);
    RETURN assigned;
  END $$`;

/**
 * chat_insert_messages (see the previous migration for the reasoning), now refusing a batch with a
 * row whose author is not a member of the room (everyone is in room 1), and a batch for an
 * archived room. The services check first and answer clearly; this keeps out a member removed
 * meanwhile. The refusal is an integrity violation (class 23), which the writer takes for that
 * row's fault: it stores the other rows without it. (Skipping the row instead would leave the
 * writer unable to tell whose answer each stored row is.)
 *
 * `reserveFirst` takes the lock with the UPDATE that reserves a number for every row of the batch,
 * and gives back only the numbers of rows skipped (a repeated key, a non-member): one statement
 * less than locking, inserting and then updating, in the usual case where every row is stored.
 */
const insertMessagesFunction = (onlyMembers: string, roomOpen: string, reserveFirst: boolean) => `
  CREATE OR REPLACE FUNCTION chat_insert_messages(
    room integer, user_ids integer[], texts text[], client_ids text[], batch_write_id uuid
  ) RETURNS SETOF messages LANGUAGE plpgsql VOLATILE ROWS 100 AS $$
  DECLARE
    last bigint;
    stored bigint;
    asked bigint := coalesce(array_length(user_ids, 1), 0);
  BEGIN
    ${
      reserveFirst
        ? `UPDATE rooms SET last_seq = last_seq + asked WHERE id = room ${roomOpen}
      RETURNING last_seq - asked INTO last;`
        : `SELECT last_seq INTO last FROM rooms WHERE id = room ${roomOpen} FOR NO KEY UPDATE;`
    }
    IF NOT FOUND THEN
      RAISE foreign_key_violation USING MESSAGE = format('No open room %s', room);
    END IF;
    ${onlyMembers}
    RETURN QUERY
      INSERT INTO messages (room_id, seq, user_id, text, client_id, write_id)
      SELECT room, last + row_number() OVER (ORDER BY position), user_id, text, client_id,
             batch_write_id
        FROM (SELECT batch.*,
                     row_number() OVER (PARTITION BY user_id, client_id ORDER BY position) AS nth
                FROM unnest(user_ids, texts, client_ids) WITH ORDINALITY
                     AS batch (user_id, text, client_id, position)) batch
       WHERE (batch.client_id IS NULL
          OR (nth = 1 AND NOT EXISTS (
                SELECT 1 FROM messages m
                 WHERE m.room_id = room AND m.user_id = batch.user_id
                   AND m.client_id = batch.client_id)))
       ORDER BY position
      RETURNING *;
    GET DIAGNOSTICS stored = ROW_COUNT;
    ${
      reserveFirst
        ? `IF stored < asked THEN
      UPDATE rooms SET last_seq = last + stored WHERE id = room;
    END IF;`
        : `IF stored > 0 THEN
      UPDATE rooms SET last_seq = last + stored WHERE id = room;
    END IF;`
    }
  END $$`;

/** The function as this migration leaves it (the mentions migration's `down` restores it). */
export const INSERT_MESSAGES_FOR_MEMBERS = insertMessagesFunction(
  `IF room <> 1 AND EXISTS (
      SELECT 1 FROM unnest(user_ids) author (id)
       WHERE NOT EXISTS (SELECT 1 FROM room_members rm
                          WHERE rm.room_id = room AND rm.user_id = author.id)) THEN
      RAISE integrity_constraint_violation
        USING MESSAGE = format('Not a member of room %s', room);
    END IF;`,
  'AND archived_at IS NULL',
  true,
);
/** The previous migration's function, as `down` restores it. */
const INSERT_MESSAGES_FOR_ANYONE = insertMessagesFunction('', '', false);
