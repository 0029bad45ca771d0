// The data source the TypeORM CLI uses (`npm run migration:*`): the server's own options plus every
// entity of the libs, so `migration:generate` compares the database with the whole model.
import { AppConfig, validateEnvironment } from '@chat/config';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options';

const config = new AppConfig(validateEnvironment(process.env));
if (!config.databaseUrl) {
  throw new Error('Set DATABASE_URL to the database the migrations should run against');
}

export default new DataSource({
  ...dataSourceOptions(config.databaseUrl),
  entities: [`${__dirname}/../../*/src/**/*.entity.ts`],
});
