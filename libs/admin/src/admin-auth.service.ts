import { Injectable } from '@nestjs/common';
import { AuthUser, BansRepository, SessionsService } from '@chat/auth';
import { Role } from '@chat/roles';
import { PasswordHasher, UsersService } from '@chat/users';

/** How long a panel login lasts (the panel's cookie and its chat session). */
export const PANEL_SESSION_SECONDS = 8 * 3600;

export type PanelRole = Role.Moderator | Role.Admin;

const TITLES: Record<PanelRole, string> = { [Role.Moderator]: 'Moderator', [Role.Admin]: 'Admin' };

export interface AdminIdentity {
  email: string;
  id: string;
  title: string;
  /** Moderator (2): the report queue only; Admin (3): the whole panel. Checked on every request. */
  role: PanelRole;
  /** The chat session opened by the panel login: revoked with the account's other sessions. */
  sessionId: string;
}

/**
 * The panel's login: a live account with role 2 (site moderator) or 3 (admin), not banned, and its
 * bcrypt-checked password. A login holds while its account keeps the role it logged in with. Each
 * login opens a chat session, so whatever ends an account's sessions (demotion, deletion, password
 * change) ends its panel logins too, on every instance.
 */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
    private readonly sessions: SessionsService,
    private readonly bans: BansRepository,
  ) {}

  /** AdminJS calls the login field "email"; here it holds the account name. */
  async authenticate(name: string, password: string): Promise<AdminIdentity | null> {
    const secret = String(password ?? '');
    const user = await this.users.findForLogin(String(name ?? '').trim(), secret);
    const matches = await this.hasher.matches(secret, user?.passwordHash);
    if (!user || !matches || !isPanelRole(user.role)) return null;
    if (await this.bans.active(user.id)) return null;
    const sessionId = await this.sessions.create(user.id, PANEL_SESSION_SECONDS);
    // A ban that landed meanwhile ended every session but this one, made after it: end it too.
    if (await this.bans.active(user.id)) {
      await this.sessions.revoke(sessionId);
      return null;
    }
    const role = user.role;
    return { email: user.name, id: String(user.id), title: TITLES[role], role, sessionId };
  }

  /**
   * Whether a panel login still holds: its session is live and its account still has the role it
   * logged in with (a promoted moderator logs in again to get the whole panel).
   */
  async stillHolds(identity: AdminIdentity): Promise<boolean> {
    return (await this.actingUser(identity)) !== null;
  }

  /**
   * The admin or moderator a panel login acts as, as the chat's services take their caller (id,
   * role and the login's session); null once the login no longer holds.
   */
  async actingUser(identity: Partial<AdminIdentity> | undefined): Promise<AuthUser | null> {
    if (typeof identity?.sessionId !== 'string') return null;
    const user = await this.sessions.resolve(identity.sessionId, Number(identity.id));
    return user && isPanelRole(user.role) && user.role === identity.role ? user : null;
  }

  async logout(identity: AdminIdentity): Promise<void> {
    if (typeof identity.sessionId === 'string') await this.sessions.revoke(identity.sessionId);
  }
}

function isPanelRole(role: Role): role is PanelRole {
  return role === Role.Moderator || role === Role.Admin;
}
