import { MigrationInterface, QueryRunner } from 'typeorm';

/** Sessions end server-side at the token's expiry, and old rows can be found to prune them. */
export class AddSessionExpiry1764310000000 implements MigrationInterface {
  name = 'AddSessionExpiry1764310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE sessions ADD COLUMN expires_at timestamptz`);
    // The lifetime of tokens issued before is not known here; their own exp still ends them,
    // so existing sessions get a generous 30 days.
    await queryRunner.query(`UPDATE sessions SET expires_at = now() + interval '30 days'`);
    await queryRunner.query(`ALTER TABLE sessions ALTER COLUMN expires_at SET NOT NULL`);
    await queryRunner.query(`CREATE INDEX sessions_expires_at_idx ON sessions (expires_at)`);
    await queryRunner.query(
      `CREATE INDEX sessions_revoked_at_idx ON sessions (revoked_at) WHERE revoked_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX sessions_revoked_at_idx`);
    await queryRunner.query(`DROP INDEX sessions_expires_at_idx`);
    await queryRunner.query(`ALTER TABLE sessions DROP COLUMN expires_at`);
  }
}
