import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Each batched INSERT marks its rows with an id of its own, so a writer that lost the answer to an
 * INSERT (a timeout, a dropped connection) can find out afterwards whether it committed.
 */
export class AddMessageWriteId1764320000000 implements MigrationInterface {
  name = 'AddMessageWriteId1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages ADD COLUMN write_id uuid`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE messages DROP COLUMN write_id`);
  }
}
