import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import connectPgSimple from 'connect-pg-simple';
import session, { SessionData } from 'express-session';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { poolOf } from '@chat/database';
import { AdminIdentity } from './admin-auth.service';

/** A panel login as express-session keeps it, with the admin AdminJS signed in. */
export type PanelSession = SessionData & { adminUser?: AdminIdentity };

const PgSessionStore = connectPgSimple(session);

/**
 * The admin_sessions table (created by a migration), on the app's own connection pool. Its SQL is
 * connect-pg-simple's: reading, writing and touching a login, and deleting expired rows every
 * 15 minutes once in use. This class is the one place that library is set up; AdminSessionStore
 * adds the panel's rules on top.
 */
@Injectable()
export class AdminSessionsRepository implements OnApplicationShutdown {
  private readonly table: InstanceType<typeof PgSessionStore>;

  constructor(@InjectDataSource() dataSource: DataSource) {
    this.table = new PgSessionStore({ pool: poolOf(dataSource), tableName: 'admin_sessions' });
  }

  /** The login stored under `sid` and not expired, or null. */
  async find(sid: string): Promise<PanelSession | null> {
    const found = await promisify(this.table.get.bind(this.table))(sid);
    return (found as PanelSession | null | undefined) ?? null;
  }

  save(sid: string, data: SessionData): Promise<void> {
    return promisify(this.table.set.bind(this.table))(sid, data);
  }

  /** Pushes the expiry of an unchanged login forward, as its cookie's is. */
  touch(sid: string, data: SessionData): Promise<void> {
    return new Promise((resolve, reject) =>
      this.table.touch(sid, data, ((error?: unknown) =>
        error ? reject(error) : resolve()) as () => void),
    );
  }

  delete(sid: string): Promise<void> {
    return promisify(this.table.destroy.bind(this.table))(sid);
  }

  async onApplicationShutdown(): Promise<void> {
    // Stops the prune timer; the pool is the app's, closed with the data source.
    await this.table.close();
  }
}
