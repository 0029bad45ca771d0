import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '@chat/config';
import { dataSourceOptions } from './data-source-options';
import { EmbeddedDatabaseService } from './embedded-database.service';

// A database that is still starting gets ~10 s; a wrong DATABASE_URL fails the boot soon after.
const CONNECT_ATTEMPTS = 5;
const CONNECT_RETRY_DELAY_MS = 2_000;

@Module({ providers: [EmbeddedDatabaseService], exports: [EmbeddedDatabaseService] })
class EmbeddedDatabaseModule {}

/**
 * Connects to DATABASE_URL, or to an embedded PostgreSQL started on demand, and applies pending
 * migrations at start unless MIGRATE_ON_START is off. Entities come from the feature modules'
 * TypeOrmModule.forFeature.
 */
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      imports: [EmbeddedDatabaseModule],
      inject: [AppConfig, EmbeddedDatabaseService],
      useFactory: async (config: AppConfig, embedded: EmbeddedDatabaseService) => ({
        ...dataSourceOptions(config.databaseUrl ?? (await embedded.start())),
        autoLoadEntities: true,
        migrationsRun: config.migrateOnStart,
        retryAttempts: CONNECT_ATTEMPTS,
        retryDelay: CONNECT_RETRY_DELAY_MS,
      }),
    }),
  ],
})
export class DatabaseModule {}
