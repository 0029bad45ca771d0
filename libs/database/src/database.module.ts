import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@chat/config';
import { DataSource, DataSourceOptions } from 'typeorm';
import { dataSourceOptions } from './data-source-options';
import { BackendProcessesRepository } from './backend-processes.repository';
import { EmbeddedDatabaseService } from './embedded-database.service';
import { migrateDatabase } from './migrate-database';
import { poolOptions } from './pool-options';
import { PreparedStatements } from './prepared-statements.service';

// A database that is still starting gets ~10 s; a wrong DATABASE_URL fails the boot soon after.
const CONNECT_ATTEMPTS = 5;
const CONNECT_RETRY_DELAY_MS = 2_000;

@Module({ providers: [EmbeddedDatabaseService], exports: [EmbeddedDatabaseService] })
class EmbeddedDatabaseModule {}

/**
 * Connects to DATABASE_URL, or to an embedded PostgreSQL started on demand, and applies pending
 * migrations at start unless MIGRATE_ON_START is off. Entities come from the feature modules'
 * TypeOrmModule.forFeature. The pool's connections carry the configured timeouts; migrations run
 * on a connection of their own without them.
 *
 * Global, as TypeORM's DataSource is: every repository runs its fixed statements through the one
 * PreparedStatements.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedDatabaseModule],
      inject: [AppConfig, EmbeddedDatabaseService],
      useFactory: async (config: AppConfig, embedded: EmbeddedDatabaseService) => {
        const options = dataSourceOptions(config.databaseUrl ?? (await embedded.start()));
        return {
          ...options,
          extra: { ...options.extra, ...poolOptions(config.database) },
          autoLoadEntities: true,
          migrationsRun: config.migrateOnStart,
          retryAttempts: CONNECT_ATTEMPTS,
          retryDelay: CONNECT_RETRY_DELAY_MS,
        };
      },
      dataSourceFactory: async (options) => {
        const { url, migrationsRun } = options as DataSourceOptions & { url: string };
        if (migrationsRun) await migrateDatabase(url);
        return new DataSource({ ...options!, migrationsRun: false } as DataSourceOptions);
      },
    }),
  ],
  providers: [PreparedStatements, BackendProcessesRepository],
  exports: [PreparedStatements, BackendProcessesRepository],
})
export class DatabaseModule {}
