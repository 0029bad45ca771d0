import { MigrationInterface, QueryRunner } from 'typeorm';

/** The admin panel's login sessions (connect-pg-simple's layout), shared by every instance. */
export class CreateAdminSessions1764300000000 implements MigrationInterface {
  name = 'CreateAdminSessions1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE admin_sessions (
        sid varchar PRIMARY KEY,
        sess json NOT NULL,
        expire timestamp(6) NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX admin_sessions_expire_idx ON admin_sessions (expire)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE admin_sessions`);
  }
}
