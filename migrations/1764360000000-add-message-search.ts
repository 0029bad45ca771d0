import { MigrationInterface, QueryRunner } from 'typeorm';

/** See AddMentionsAndReadMarkers: a brief exclusive lock, or the migration fails unchanged. */
const MIGRATION_LOCK_TIMEOUT = '5s';

/**
 * Full-text search of messages, as a column and a trigger only: nothing here reads or rewrites
 * the rows (IndexMessageSearch, next, fills the column and builds the index without a transaction,
 * so neither blocks sending).
 *
 * `search_vector` holds the text's words as `russian` reads them: Cyrillic words stemmed in
 * Russian, Latin ones in English (that configuration gives ASCII words the English stemmer), each
 * language's stop words left out. A trigger keeps it with the text as it is stored and edited, so
 * an edit is found by its new text as soon as it commits; a deleted message is a deleted row. A
 * column, not an index expression: the rank and the recheck of a match read it instead of parsing
 * the text again, and a generated column would have rewritten the table under an exclusive lock.
 */
export class AddMessageSearch1764360000000 implements MigrationInterface {
  name = 'AddMessageSearch1764360000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`SET LOCAL lock_timeout = '${MIGRATION_LOCK_TIMEOUT}'`);
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN search_vector tsvector`);
    await queryRunner.query(`
      CREATE FUNCTION chat_message_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.search_vector := to_tsvector('pg_catalog.russian', NEW.text);
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER messages_search_vector BEFORE INSERT OR UPDATE OF text ON messages
        FOR EACH ROW EXECUTE FUNCTION chat_message_search_vector()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER messages_search_vector ON messages`);
    await queryRunner.query(`DROP FUNCTION chat_message_search_vector()`);
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN search_vector`);
  }
}
