import { Injectable } from '@nestjs/common';
import session, { SessionData } from 'express-session';
import { AdminAuthService } from './admin-auth.service';
import { AdminSessionsRepository, PanelSession } from './admin-sessions.repository';

type GetCallback = (error: unknown, session?: SessionData | null) => void;
type DoneCallback = (error?: unknown) => void;

/**
 * express-session's store for the panel: logins kept in PostgreSQL, so every instance knows them
 * and a restart logs nobody out.
 *
 * express-session reads the login from here on every panel request, before AdminJS lets the
 * request in: a login whose account no longer has the role it logged in with, or whose chat session was revoked
 * (demotion, deletion, password change), is dropped here, so AdminJS sees no login and redirects
 * to its login page. A logout ends the chat session behind the login too.
 */
@Injectable()
export class AdminSessionStore extends session.Store {
  constructor(
    private readonly sessions: AdminSessionsRepository,
    private readonly auth: AdminAuthService,
  ) {
    super();
  }

  override get(sid: string, callback: GetCallback): void {
    this.stillValid(sid).then(
      (found) => callback(null, found),
      (error: unknown) => callback(error),
    );
  }

  override set(sid: string, data: SessionData, callback?: DoneCallback): void {
    settle(this.sessions.save(sid, data), callback);
  }

  override touch(sid: string, data: SessionData, callback?: DoneCallback): void {
    settle(this.sessions.touch(sid, data), callback);
  }

  override destroy(sid: string, callback?: DoneCallback): void {
    settle(this.logout(sid), callback);
  }

  private async stillValid(sid: string): Promise<PanelSession | null> {
    const found = await this.sessions.find(sid);
    if (!found?.adminUser || (await this.auth.stillHolds(found.adminUser))) return found;
    // Dropped whether or not the row could be deleted: it is refused all the same.
    await this.sessions.delete(sid).catch(() => undefined);
    return null;
  }

  private async logout(sid: string): Promise<void> {
    // A login that cannot be read is still deleted.
    const found = await this.sessions.find(sid).catch(() => null);
    if (found?.adminUser) await this.auth.logout(found.adminUser);
    await this.sessions.delete(sid);
  }
}

function settle(done: Promise<void>, callback?: DoneCallback): void {
  done.then(
    () => callback?.(),
    (error: unknown) => callback?.(error),
  );
}
