import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '@chat/config';
import { DataSource } from 'typeorm';
import { EmbeddedDatabase } from './embedded-database';

/** Owns the embedded server's lifetime: started on first use, stopped after the pool is closed. */
@Injectable()
export class EmbeddedDatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddedDatabase');
  private readonly database: EmbeddedDatabase;

  constructor(
    config: AppConfig,
    private readonly moduleRef: ModuleRef,
  ) {
    this.database = new EmbeddedDatabase(config.embeddedDatabase.dir, config.embeddedDatabase.port);
  }

  async start(): Promise<string> {
    this.logger.log('DATABASE_URL is not set: starting the embedded PostgreSQL');
    const url = await this.database.start();
    this.logger.log(`Embedded PostgreSQL ready on ${new URL(url).host}`);
    return url;
  }

  async onApplicationShutdown(): Promise<void> {
    // Shutdown hooks of different modules run in no guaranteed order: close the pool here first so
    // postgres is never stopped under open connections.
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    if (await this.database.stop()) this.logger.log('Embedded PostgreSQL stopped');
  }
}
