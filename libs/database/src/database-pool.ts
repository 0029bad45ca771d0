import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

/**
 * The pg pool TypeORM opened for the data source: its postgres driver keeps it as `master`. The one
 * place that knows it, for what runs on the same connections without a TypeORM query runner
 * (PreparedStatements, the admin panel's session store).
 */
export function poolOf(dataSource: DataSource): Pool {
  return (dataSource.driver as unknown as { master: Pool }).master;
}
