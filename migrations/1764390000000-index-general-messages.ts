import { MigrationInterface, QueryRunner } from 'typeorm';
import { buildIndexConcurrently } from './concurrent-index';

export const GENERAL_ORDER_INDEX = 'messages_general_id_idx';

/**
 * The compat history (`last_messages`, `load`, the replays after a reconnect, the newest id) reads
 * the general room (id 1) in id order. With only the primary key to walk, each read passed every
 * message of the other rooms between its bounds: with rooms busy, hundreds of thousands of rows.
 * An index of the general room's ids alone, a partial one, takes it straight to the room's rows;
 * PostgreSQL prefers it to the primary key whatever share of the table the room holds (an index on
 * (room_id, id) lost to the primary key once general held most rows, its order on disk being the
 * primary key's). Built CONCURRENTLY, so sending goes on meanwhile; run again after a failed
 * build, it builds again the index left invalid.
 */
export class IndexGeneralMessages1764390000000 implements MigrationInterface {
  name = 'IndexGeneralMessages1764390000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    await buildIndexConcurrently(
      queryRunner,
      GENERAL_ORDER_INDEX,
      'messages (id) WHERE room_id = 1',
    );
  }

  /** TypeORM undoes a migration in a transaction, where CONCURRENTLY cannot run. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS ${GENERAL_ORDER_INDEX}`);
  }
}
