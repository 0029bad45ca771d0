import { MigrationInterface, QueryRunner } from 'typeorm';
import { buildIndexConcurrently } from './concurrent-index';

/** Messages whose search_vector one statement fills: a short transaction, a few row locks. */
const BATCH = 10_000;

export const SEARCH_INDEX = 'messages_search_vector_idx';

/**
 * Fills search_vector for the messages stored before AddMessageSearch, then builds the GIN index
 * the search uses and vacuums and analyzes the table. Outside a transaction: each batch commits on its own, holding row locks on
 * those messages only, and the index is built CONCURRENTLY, so sending and editing go on
 * throughout. Run again after a failure, it fills only what is still empty, and builds again an
 * index a failed concurrent build left invalid.
 *
 * fastupdate off: each insert updates the index at once (about 40 µs a message on the test host)
 * instead of queueing into a pending list that every search would have to scan.
 */
export class IndexMessageSearch1764360000001 implements MigrationInterface {
  name = 'IndexMessageSearch1764360000001';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    const [{ low, high }] = await queryRunner.query(
      `SELECT coalesce(min(id), 0)::float8 AS low, coalesce(max(id), 0)::float8 AS high
         FROM messages WHERE search_vector IS NULL`,
    );
    for (let from = Number(low); from <= Number(high); from += BATCH) {
      await queryRunner.query(
        `UPDATE messages SET search_vector = to_tsvector('pg_catalog.russian', text)
          WHERE id >= $1 AND id < $2 AND search_vector IS NULL`,
        [from, from + BATCH],
      );
    }
    await buildIndexConcurrently(
      queryRunner,
      SEARCH_INDEX,
      'messages USING gin (search_vector) WITH (fastupdate = off)',
    );
    // The fill left a dead copy of every row, and the planner knows nothing yet of the words: it
    // guesses, and a common word's search can take seconds until autovacuum comes by.
    await queryRunner.query(`VACUUM (ANALYZE) messages`);
  }

  /** TypeORM undoes a migration in a transaction, where CONCURRENTLY cannot run. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS ${SEARCH_INDEX}`);
  }
}
