import { MigrationInterface, QueryRunner } from 'typeorm';
import { INSERT_MESSAGES_FOR_MEMBERS } from './1764340000000-add-room-members-and-changes';

/**
 * Waiting longer than this for a lock fails the migration (it changes nothing, and can be run
 * again): it asks for brief exclusive locks on tables the running instances use, and a request
 * waiting behind a long transaction would hold up every query on the table behind it.
 */
const MIGRATION_LOCK_TIMEOUT = '5s';

/**
 * Mentions and read markers, as tables, columns, triggers and functions only: nothing here reads
 * or writes the rows of a table the instances use, so its exclusive locks last no longer than the
 * catalog changes (StartReadMarkers, next, gives the markers their first values).
 *
 * A message keeps the users its @names named (`mentions`, resolved when it is stored or edited:
 * chat_mentioned_users), shown with it; message_mentions holds the same but its author, one row per
 * user named, by user, room and number, kept by triggers as the message is stored, edited or
 * deleted. Each member has a read marker, the room number they have read up to: on their member
 * row (a new one starts at the room's number: a trigger, so members added by instances of the
 * previous version during a rolling deploy start there too), and for the general room, which has
 * no member rows, in general_read_markers (one row per account, made with the account by a
 * trigger). Unread and mention counts are never stored: they are counted from the marker, by a
 * walk of messages_room_id_seq_key (chat_unread_count) and of the reader's rows of
 * message_mentions (chat_mention_count), each stopped at the limit. No index of messages is built.
 */
export class AddMentionsAndReadMarkers1764350000000 implements MigrationInterface {
  name = 'AddMentionsAndReadMarkers1764350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SET LOCAL lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);

    // The trigger that makes each new account's marker exists before any marker is filled in.
    await queryRunner.query(`
      CREATE TABLE general_read_markers (
        user_id integer PRIMARY KEY
          CONSTRAINT general_read_markers_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        last_read_seq bigint NOT NULL
      )`);
    await queryRunner.query(START_GENERAL_MARKER_FUNCTION);
    await queryRunner.query(`
      CREATE TRIGGER users_general_read_marker AFTER INSERT ON users
        FOR EACH ROW EXECUTE FUNCTION chat_start_general_read_marker()`);

    // The members there are now read -1 (no rewrite) until StartReadMarkers sets their markers;
    // without a default, an insert that gives none (an older instance's) is the trigger's to fill.
    await queryRunner.query(
      `ALTER TABLE room_members ADD COLUMN last_read_seq bigint NOT NULL DEFAULT -1`,
    );
    await queryRunner.query(`ALTER TABLE room_members ALTER COLUMN last_read_seq DROP DEFAULT`);
    await queryRunner.query(START_MEMBER_MARKER_FUNCTION);
    await queryRunner.query(`
      CREATE TRIGGER room_members_read_marker BEFORE INSERT ON room_members
        FOR EACH ROW WHEN (NEW.last_read_seq IS NULL)
        EXECUTE FUNCTION chat_start_member_read_marker()`);

    // A constant default: no table rewrite.
    await queryRunner.query(
      `ALTER TABLE messages ADD COLUMN mentions integer[] NOT NULL DEFAULT '{}'`,
    );
    await queryRunner.query(`
      CREATE TABLE message_mentions (
        user_id integer NOT NULL
          CONSTRAINT message_mentions_user_id_fkey REFERENCES users (id) ON DELETE CASCADE,
        room_id integer NOT NULL,
        seq bigint NOT NULL,
        message_id bigint NOT NULL
          CONSTRAINT message_mentions_message_id_fkey REFERENCES messages (id) ON DELETE CASCADE,
        CONSTRAINT message_mentions_pkey PRIMARY KEY (user_id, room_id, seq)
      )`);
    await queryRunner.query(
      `CREATE INDEX message_mentions_message_id_idx ON message_mentions (message_id)`,
    );
    await queryRunner.query(KEEP_MENTIONS_FUNCTION);
    await queryRunner.query(`
      CREATE TRIGGER messages_mentions_stored AFTER INSERT ON messages
        FOR EACH ROW WHEN (NEW.mentions <> '{}') EXECUTE FUNCTION chat_keep_mentions()`);
    await queryRunner.query(`
      CREATE TRIGGER messages_mentions_edited AFTER UPDATE OF mentions ON messages
        FOR EACH ROW WHEN (OLD.mentions IS DISTINCT FROM NEW.mentions)
        EXECUTE FUNCTION chat_keep_mentions()`);

    await queryRunner.query(UNREAD_COUNT_FUNCTION);
    await queryRunner.query(MENTION_COUNT_FUNCTION);
    await queryRunner.query(MENTIONED_USERS_FUNCTION);
    await queryRunner.query(
      `DROP FUNCTION chat_insert_messages(integer, integer[], text[], text[], uuid)`,
    );
    await queryRunner.query(INSERT_MESSAGES_WITH_MENTIONS);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SET LOCAL lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
    await queryRunner.query(
      `DROP FUNCTION chat_insert_messages(integer, integer[], text[], text[], uuid, text[])`,
    );
    await queryRunner.query(INSERT_MESSAGES_FOR_MEMBERS);
    await queryRunner.query(`DROP FUNCTION chat_mentioned_users(integer, text[])`);
    await queryRunner.query(`DROP FUNCTION chat_mention_count(integer, integer, bigint, integer)`);
    await queryRunner.query(`DROP FUNCTION chat_unread_count(integer, integer, bigint, integer)`);
    await queryRunner.query(`DROP TRIGGER messages_mentions_edited ON messages`);
    await queryRunner.query(`DROP TRIGGER messages_mentions_stored ON messages`);
    await queryRunner.query(`DROP FUNCTION chat_keep_mentions()`);
    await queryRunner.query(`DROP TABLE message_mentions`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN mentions`);
    await queryRunner.query(`DROP TRIGGER room_members_read_marker ON room_members`);
    await queryRunner.query(`DROP FUNCTION chat_start_member_read_marker()`);
    await queryRunner.query(`ALTER TABLE room_members DROP COLUMN last_read_seq`);
    await queryRunner.query(`DROP TRIGGER users_general_read_marker ON users`);
    await queryRunner.query(`DROP FUNCTION chat_start_general_read_marker()`);
    await queryRunner.query(`DROP TABLE general_read_markers`);
  }
}

/**
 * A new member has read the room as it is when they join, unless their marker is given. The
 * room's row is the one the membership change locks (and a message's insert updates), so its
 * number is the one before their joining.
 */
const START_MEMBER_MARKER_FUNCTION = `
  CREATE FUNCTION chat_start_member_read_marker() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    NEW.last_read_seq := (SELECT last_seq FROM rooms WHERE id = NEW.room_id);
    RETURN NEW;
  END $$`;

/** A new account has read the general room as it is when the account is made. */
const START_GENERAL_MARKER_FUNCTION = `
  CREATE FUNCTION chat_start_general_read_marker() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO general_read_markers (user_id, last_read_seq)
      SELECT NEW.id, last_seq FROM rooms WHERE id = 1;
    RETURN NULL;
  END $$`;

/**
 * How many messages of the room numbered after the reader's marker others wrote, counting no
 * further than `most`: a walk of messages_room_id_seq_key from the marker, stopped at the limit.
 * Only that walk: the marker comes from a row of the calling query, so its planner cannot tell a
 * marker at the room's end from one at its start, and would pick a scan of all the room's messages
 * (a sequential scan, or a bitmap scan and a sort) where the room is most of the table; scans that
 * read more than the walk are turned off while the function runs (it is never inlined).
 */
const UNREAD_COUNT_FUNCTION = `
  CREATE FUNCTION chat_unread_count(room integer, reader integer, marker bigint, most integer)
  RETURNS integer LANGUAGE sql STABLE
  SET enable_seqscan = off SET enable_bitmapscan = off SET enable_sort = off AS $$
    SELECT count(*)::int
      FROM (SELECT 1 FROM messages m
             WHERE m.room_id = room AND m.seq > marker AND m.user_id <> reader
             ORDER BY m.seq LIMIT most) unread
  $$`;

/**
 * How many messages of the room numbered after the reader's marker mention the reader, counting no
 * further than `most`: a walk of the reader's rows of the room in message_mentions_pkey, which
 * holds no one's mention of themselves, so no message is read. Scans reading more are off, as in
 * chat_unread_count.
 */
const MENTION_COUNT_FUNCTION = `
  CREATE FUNCTION chat_mention_count(room integer, reader integer, marker bigint, most integer)
  RETURNS integer LANGUAGE sql STABLE
  SET enable_seqscan = off SET enable_bitmapscan = off SET enable_sort = off AS $$
    SELECT count(*)::int
      FROM (SELECT 1 FROM message_mentions mm
             WHERE mm.user_id = reader AND mm.room_id = room AND mm.seq > marker
             ORDER BY mm.seq LIMIT most) mentioned
  $$`;

/**
 * Keeps message_mentions as a message's mentions are: the users it names but its author, from its
 * insert and each edit that changes them (a deletion takes the rows with it: ON DELETE CASCADE).
 */
const KEEP_MENTIONS_FUNCTION = `
  CREATE FUNCTION chat_keep_mentions() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'UPDATE' THEN
      DELETE FROM message_mentions WHERE message_id = NEW.id;
    END IF;
    INSERT INTO message_mentions (user_id, room_id, seq, message_id)
      SELECT DISTINCT named.id, NEW.room_id, NEW.seq, NEW.id FROM unnest(NEW.mentions) named (id)
       WHERE named.id <> NEW.user_id;
    RETURN NULL;
  END $$`;

/**
 * The live accounts named (ignoring case, as names are unique ignoring case: the index
 * users_name_lower_key) that may be mentioned in the room: anyone in a public room, members only
 * in private and direct rooms. In id order, at most 50 (the parser gives no more names).
 */
const MENTIONED_USERS_FUNCTION = `
  CREATE FUNCTION chat_mentioned_users(room integer, names text[])
  RETURNS integer[] LANGUAGE sql STABLE AS $$
    SELECT coalesce(array_agg(mentioned.id ORDER BY mentioned.id), '{}')
      FROM (SELECT u.id FROM users u
             WHERE lower(u.name) = ANY (ARRAY(SELECT lower(n) FROM unnest(names) n))
               AND u.deleted_at IS NULL
               AND (EXISTS (SELECT 1 FROM rooms r WHERE r.id = room AND r.kind = 'public')
                    OR EXISTS (SELECT 1 FROM room_members m
                                WHERE m.room_id = room AND m.user_id = u.id))
             ORDER BY u.id LIMIT 50) mentioned
  $$`;

/**
 * chat_insert_messages as the previous migration left it (see there for the reasoning), with each
 * row's mentions resolved in the same statement: `mention_names` holds, per row, the names its
 * text mentions joined by newlines (which no name contains), or NULL for none.
 */
const INSERT_MESSAGES_WITH_MENTIONS = `
  CREATE FUNCTION chat_insert_messages(
    room integer, user_ids integer[], texts text[], client_ids text[], batch_write_id uuid,
    mention_names text[] DEFAULT NULL
  ) RETURNS SETOF messages LANGUAGE plpgsql VOLATILE ROWS 100 AS $$
  DECLARE
    last bigint;
    stored bigint;
    asked bigint := coalesce(array_length(user_ids, 1), 0);
  BEGIN
    UPDATE rooms SET last_seq = last_seq + asked WHERE id = room AND archived_at IS NULL
      RETURNING last_seq - asked INTO last;
    IF NOT FOUND THEN
      RAISE foreign_key_violation USING MESSAGE = format('No open room %s', room);
    END IF;
    IF room <> 1 AND EXISTS (
        SELECT 1 FROM unnest(user_ids) author (id)
         WHERE NOT EXISTS (SELECT 1 FROM room_members rm
                            WHERE rm.room_id = room AND rm.user_id = author.id)) THEN
      RAISE integrity_constraint_violation
        USING MESSAGE = format('Not a member of room %s', room);
    END IF;
    RETURN QUERY
      INSERT INTO messages (room_id, seq, user_id, text, client_id, write_id, mentions)
      SELECT room, last + row_number() OVER (ORDER BY position), user_id, text, client_id,
             batch_write_id,
             CASE WHEN names IS NULL THEN '{}'
                  ELSE chat_mentioned_users(room, string_to_array(names, E'\\n')) END
        FROM (SELECT batch.*,
                     row_number() OVER (PARTITION BY user_id, client_id ORDER BY position) AS nth
                FROM unnest(user_ids, texts, client_ids, mention_names) WITH ORDINALITY
                     AS batch (user_id, text, client_id, names, position)) batch
       WHERE (batch.client_id IS NULL
          OR (nth = 1 AND NOT EXISTS (
                SELECT 1 FROM messages m
                 WHERE m.room_id = room AND m.user_id = batch.user_id
                   AND m.client_id = batch.client_id)))
       ORDER BY position
      RETURNING *;
    GET DIAGNOSTICS stored = ROW_COUNT;
    IF stored < asked THEN
      UPDATE rooms SET last_seq = last + stored WHERE id = room;
    END IF;
  END $$`;
