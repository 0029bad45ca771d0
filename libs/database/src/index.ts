export { DatabaseModule } from './database.module';
export { dataSourceOptions } from './data-source-options';
export { EmbeddedDatabase } from './embedded-database';
export { isDatabaseUnavailable, isUniqueViolation } from './postgres-errors';
export { backendPidOf, PreparedStatements } from './prepared-statements';
export { poolOptions } from './pool-options';
