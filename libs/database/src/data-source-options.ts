import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';

/**
 * The one connection definition, shared by the server and the TypeORM CLI. Each migration runs in
 * a transaction of its own, so one's locks end when it commits, before the next one's work.
 */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: 10 },
  };
}
