import { QueryRunner } from 'typeorm';

/**
 * Builds index `name` CONCURRENTLY (writes go on meanwhile), so the migration must run outside a
 * transaction. Run again after a failed build, it drops the invalid index that build left and
 * builds it again.
 */
export async function buildIndexConcurrently(
  queryRunner: QueryRunner,
  name: string,
  definition: string,
): Promise<void> {
  const [invalid] = await queryRunner.query(
    `SELECT 1 FROM pg_index WHERE indexrelid = to_regclass($1) AND NOT indisvalid`,
    [name],
  );
  if (invalid) await queryRunner.query(`DROP INDEX CONCURRENTLY ${name}`);
  await queryRunner.query(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${definition}`);
}
