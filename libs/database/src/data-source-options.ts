import { DataSourceOptions } from 'typeorm';
import { migrations } from '../../../migrations';

/** The one connection definition, shared by the server and the TypeORM CLI. */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    extra: { max: 10 },
  };
}
