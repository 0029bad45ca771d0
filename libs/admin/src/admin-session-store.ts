import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import connectPgSimple from 'connect-pg-simple';
import session from 'express-session';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';

const PgSessionStore = connectPgSimple(session);

/**
 * Panel logins kept in PostgreSQL (table admin_sessions) on the app's own connection pool, so
 * every instance knows them and a restart logs nobody out. Expired rows are pruned periodically.
 */
@Injectable()
export class AdminSessionStore implements OnApplicationShutdown {
  readonly store: session.Store;

  constructor(@InjectDataSource() dataSource: DataSource) {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    this.store = new PgSessionStore({ pool, tableName: 'admin_sessions' });
  }

  async onApplicationShutdown(): Promise<void> {
    await (this.store as InstanceType<typeof PgSessionStore>).close();
  }
}
