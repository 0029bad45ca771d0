import { MigrationInterface, QueryRunner } from 'typeorm';

/** See AddMentionsAndReadMarkers: a brief exclusive lock, or the migration fails unchanged. */
const MIGRATION_LOCK_TIMEOUT = '5s';

/**
 * Moderation: site bans, mutes (site-wide or in one room), bans from one room, reports of
 * messages, and the audit log. New tables only.
 *
 * A ban or mute is in force while it is not lifted and its `until` (null: no end) is in the
 * future, so one with an end expires by itself, without a job. A user has at most one ban not
 * lifted, and one mute not lifted per room and everywhere; a new one takes the old one's place. A report keeps a copy of the message (its text, room and
 * author), so the queue still shows what was reported once the message is deleted.
 *
 * The audit log is append-only: a trigger refuses every UPDATE, DELETE and TRUNCATE, whoever
 * asks, so neither the application nor the admin panel can change or remove a row.
 */
export class AddModeration1764370000000 implements MigrationInterface {
  name = 'AddModeration1764370000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SET LOCAL lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
    await queryRunner.query(`
      CREATE TABLE bans (
        id serial PRIMARY KEY,
        user_id integer NOT NULL CONSTRAINT bans_user_id_fkey REFERENCES users (id),
        actor_id integer NOT NULL CONSTRAINT bans_actor_id_fkey REFERENCES users (id),
        reason varchar(500) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        until timestamptz,
        lifted_at timestamptz,
        lifted_by integer CONSTRAINT bans_lifted_by_fkey REFERENCES users (id)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX bans_user_id_unlifted_key ON bans (user_id) WHERE lifted_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE mutes (
        id serial PRIMARY KEY,
        user_id integer NOT NULL CONSTRAINT mutes_user_id_fkey REFERENCES users (id),
        room_id integer CONSTRAINT mutes_room_id_fkey REFERENCES rooms (id),
        actor_id integer NOT NULL CONSTRAINT mutes_actor_id_fkey REFERENCES users (id),
        reason varchar(500) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        until timestamptz,
        lifted_at timestamptz,
        lifted_by integer CONSTRAINT mutes_lifted_by_fkey REFERENCES users (id)
      )`);
    // One mute not lifted per user and place (a room, or 0: everywhere): a new one replaces it.
    await queryRunner.query(
      `CREATE UNIQUE INDEX mutes_user_room_unlifted_key ON mutes (user_id, coalesce(room_id, 0))
        WHERE lifted_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE room_bans (
        room_id integer NOT NULL CONSTRAINT room_bans_room_id_fkey REFERENCES rooms (id) ON DELETE CASCADE,
        user_id integer NOT NULL CONSTRAINT room_bans_user_id_fkey REFERENCES users (id),
        actor_id integer NOT NULL CONSTRAINT room_bans_actor_id_fkey REFERENCES users (id),
        reason varchar(500) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        until timestamptz,
        CONSTRAINT room_bans_pkey PRIMARY KEY (room_id, user_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE message_reports (
        id serial PRIMARY KEY,
        message_id bigint CONSTRAINT message_reports_message_id_fkey REFERENCES messages (id) ON DELETE SET NULL,
        room_id integer NOT NULL CONSTRAINT message_reports_room_id_fkey REFERENCES rooms (id),
        author_id integer NOT NULL CONSTRAINT message_reports_author_id_fkey REFERENCES users (id),
        message_text varchar(1000) NOT NULL,
        reporter_id integer NOT NULL CONSTRAINT message_reports_reporter_id_fkey REFERENCES users (id),
        reason varchar(500) NOT NULL,
        status varchar NOT NULL DEFAULT 'open'
          CONSTRAINT message_reports_status_check CHECK (status IN ('open', 'resolved')),
        created_at timestamptz NOT NULL DEFAULT now(),
        resolved_by integer CONSTRAINT message_reports_resolved_by_fkey REFERENCES users (id),
        resolved_at timestamptz,
        resolution varchar(500)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX message_reports_message_reporter_key ON message_reports (message_id, reporter_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX message_reports_status_idx ON message_reports (status, id)`,
    );
    await queryRunner.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        actor_id integer CONSTRAINT audit_log_actor_id_fkey REFERENCES users (id),
        action varchar(64) NOT NULL,
        target_user_id integer,
        target_room_id integer,
        target_message_id bigint,
        reason varchar(500),
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX audit_log_action_idx ON audit_log (action, id)`);
    await queryRunner.query(`
      CREATE FUNCTION chat_audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION chat_audit_log_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION chat_audit_log_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_log`);
    await queryRunner.query(`DROP FUNCTION chat_audit_log_append_only()`);
    await queryRunner.query(`DROP TABLE message_reports`);
    await queryRunner.query(`DROP TABLE room_bans`);
    await queryRunner.query(`DROP TABLE mutes`);
    await queryRunner.query(`DROP TABLE bans`);
  }
}
