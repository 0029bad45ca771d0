import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AppConfig } from '@chat/config';
import { DataSource } from 'typeorm';
import { EmbeddedDatabase } from './embedded-database';

/** How often the watchdog checks that postgres is still running. */
const WATCHDOG_INTERVAL_MS = 2_000;

/**
 * Owns the embedded server's lifetime: started on first use, restarted by a watchdog if its
 * process dies, stopped after the pool is closed.
 */
@Injectable()
export class EmbeddedDatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger('EmbeddedDatabase');
  private readonly database: EmbeddedDatabase;
  private watchdog?: NodeJS.Timeout;
  /** The watchdog's check under way, if any. */
  private checking?: Promise<void>;

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
    this.watchdog = setInterval(() => {
      this.checking ??= this.restartIfStopped().finally(() => (this.checking = undefined));
    }, WATCHDOG_INTERVAL_MS);
    this.watchdog.unref();
    return url;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.watchdog);
    await this.checking; // a restart under way finishes before the stop below
    // Shutdown hooks of different modules run in no guaranteed order: close the pool here first so
    // postgres is never stopped under open connections.
    const dataSource = this.moduleRef.get(DataSource, { strict: false });
    if (dataSource.isInitialized) await dataSource.destroy();
    if (await this.database.stop()) this.logger.log('Embedded PostgreSQL stopped');
  }

  private async restartIfStopped(): Promise<void> {
    try {
      if (await this.database.restartIfStopped()) {
        this.logger.warn('Embedded PostgreSQL had stopped: restarted it');
      }
    } catch (error) {
      this.logger.error(
        `Embedded PostgreSQL is down and did not restart: ${(error as Error).message}`,
      );
    }
  }
}
