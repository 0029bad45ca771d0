export { BackendProcessesRepository } from './backend-processes.repository';
export { DatabaseModule } from './database.module';
export { poolOf } from './database-pool';
export { dataSourceOptions } from './data-source-options';
export { EmbeddedDatabase } from './embedded-database';
export { migrateDatabase } from './migrate-database';
export {
  codeOf,
  isDatabaseUnavailable,
  isRefusedByPostgres,
  isUniqueViolation,
} from './postgres-errors';
export { backendPidOf, PreparedStatements } from './prepared-statements.service';
export { poolOptions } from './pool-options';
export { WorkLimit } from './work-limit';
