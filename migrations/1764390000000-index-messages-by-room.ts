import { MigrationInterface, QueryRunner } from 'typeorm';

export const ROOM_ORDER_INDEX = 'messages_room_id_id_idx';

/**
 * The compat history pages (`last_messages`, `load`, the replays after a reconnect) read the
 * general room in id order. With only the primary key to walk, each one passed every newer message
 * of the other rooms first: with general quiet and rooms busy, a page read hundreds of thousands of
 * rows. An index on (room_id, id) takes them straight to the room's rows. Built CONCURRENTLY, so
 * sending goes on meanwhile; run again after a failed build, it builds again the index left
 * invalid.
 */
export class IndexMessagesByRoom1764390000000 implements MigrationInterface {
  name = 'IndexMessagesByRoom1764390000000';
  transaction = false;

  async up(queryRunner: QueryRunner): Promise<void> {
    const [invalid] = await queryRunner.query(
      `SELECT 1 FROM pg_index WHERE indexrelid = to_regclass($1) AND NOT indisvalid`,
      [ROOM_ORDER_INDEX],
    );
    if (invalid) await queryRunner.query(`DROP INDEX CONCURRENTLY ${ROOM_ORDER_INDEX}`);
    await queryRunner.query(
      `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${ROOM_ORDER_INDEX} ON messages (room_id, id)`,
    );
  }

  /** TypeORM undoes a migration in a transaction, where CONCURRENTLY cannot run. */
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX IF EXISTS ${ROOM_ORDER_INDEX}`);
  }
}
