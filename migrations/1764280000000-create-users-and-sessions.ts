import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsersAndSessions1764280000000 implements MigrationInterface {
  name = 'CreateUsersAndSessions1764280000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name varchar(100) NOT NULL,
        password_hash varchar(60),
        role smallint NOT NULL DEFAULT 1 CONSTRAINT users_role_check CHECK (role BETWEEN 1 AND 3),
        avatar varchar(255) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        deleted_at timestamptz
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_name_lower_key ON users (lower(name))`);
    await queryRunner.query(
      `CREATE INDEX users_active_role_idx ON users (role) WHERE deleted_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seen_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX sessions_user_active_idx ON sessions (user_id) WHERE revoked_at IS NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE sessions`);
    await queryRunner.query(`DROP TABLE users`);
  }
}
