import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import connectPgSimple from 'connect-pg-simple';
import session, { SessionData } from 'express-session';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { AdminAuthService, AdminIdentity } from './admin-auth.service';

const PgSessionStore = connectPgSimple(session);

type PanelSession = SessionData & { adminUser?: AdminIdentity };
type GetCallback = (error: unknown, session?: SessionData | null) => void;

/**
 * Panel logins kept in PostgreSQL (table admin_sessions) on the app's own connection pool, so
 * every instance knows them and a restart logs nobody out. Expired rows are pruned periodically.
 *
 * express-session reads the login from here on every panel request, before AdminJS lets the
 * request in: a login whose account is no longer a live admin, or whose chat session was revoked
 * (demotion, deletion, password change), is dropped here, so AdminJS sees no login and redirects
 * to its login page.
 */
class CheckedSessionStore extends PgSessionStore {
  constructor(
    options: connectPgSimple.PGStoreOptions,
    private readonly auth: AdminAuthService,
  ) {
    super(options);
  }

  override get(sid: string, callback: GetCallback): void {
    super.get(sid, (error, found) => {
      const adminUser = (found as PanelSession | null | undefined)?.adminUser;
      if (error || !adminUser) return callback(error, found);
      this.auth.isStillAdmin(adminUser).then(
        (allowed) =>
          allowed ? callback(null, found) : super.destroy(sid, () => callback(null, null)),
        (failure: unknown) => callback(failure),
      );
    });
  }

  /** A logout ends the chat session behind the login too. */
  override destroy(sid: string, callback?: (error?: unknown) => void): void {
    super.get(sid, (error, found) => {
      const adminUser = (found as PanelSession | null | undefined)?.adminUser;
      const ended = error || !adminUser ? Promise.resolve() : this.auth.logout(adminUser);
      ended.then(
        () => super.destroy(sid, callback),
        (failure: unknown) => callback?.(failure),
      );
    });
  }
}

@Injectable()
export class AdminSessionStore implements OnApplicationShutdown {
  readonly store: session.Store;

  constructor(@InjectDataSource() dataSource: DataSource, auth: AdminAuthService) {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    this.store = new CheckedSessionStore({ pool, tableName: 'admin_sessions' }, auth);
  }

  async onApplicationShutdown(): Promise<void> {
    await (this.store as CheckedSessionStore).close();
  }
}
