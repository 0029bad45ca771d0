import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateMessages1764290000000 implements MigrationInterface {
  name = 'CreateMessages1764290000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Users are never removed (deletion anonymises the row), so messages keep their author.
    await queryRunner.query(`
      CREATE TABLE messages (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        user_id integer NOT NULL CONSTRAINT messages_user_id_fkey REFERENCES users (id),
        text varchar(1000) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz,
        client_id varchar(64)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX messages_user_client_id_key ON messages (user_id, client_id)
        WHERE client_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE messages`);
  }
}
