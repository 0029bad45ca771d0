export { DatabaseModule } from './database.module';
export { dataSourceOptions } from './data-source-options';
export { EmbeddedDatabase } from './embedded-database';
export { isDatabaseUnavailable, isUniqueViolation } from './postgres-errors';
export { backendPidOf, SqlPool } from './sql-pool';
export { poolOptions } from './pool-options';
