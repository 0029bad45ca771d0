import { Injectable } from '@nestjs/common';
import { AuditLog } from '@chat/audit';
import { AuthUser, banDetail, BansRepository, SessionsService, TokensService } from '@chat/auth';
import { PASSWORD_BYTES } from '@chat/config';
import { isUniqueViolation } from '@chat/database';
import { AuthenticationError, ConflictError, InvalidInputError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { Role, ROLES } from '@chat/roles';
import { DELETED_USER_AVATAR, randomDefaultAvatar } from './default-avatars';
import { UserChangesDto } from './dto/update-user.dto';
import { PasswordHasher } from './password-hasher.service';
import { User } from './user.entity';
import { UpdatedAccount, UsersRepository } from './users.repository';

export interface NewAccount {
  name: string;
  password: string;
  role?: number;
}

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly events: EventBus,
    private readonly bans: BansRepository,
    private readonly audit: AuditLog,
  ) {}

  /** Self-service sign-up: only the user role may be asked for. */
  registerUser(account: NewAccount): Promise<User> {
    if (account.role !== undefined && account.role !== Role.User) {
      throw new ConflictError('Invalid role');
    }
    return this.create(account.name, account.password, Role.User);
  }

  /** An admin creating an account of any role: audited, as granting a role is. */
  async registerByAdmin(caller: AuthUser, account: NewAccount): Promise<User> {
    if (!ROLES.includes(account.role as Role)) throw new ConflictError('Invalid role');
    const user = await this.create(account.name, account.password, account.role as Role);
    await this.audit.record({
      actorId: caller.id,
      action: 'user.create',
      targetUserId: user.id,
      details: { via: 'api', role: user.role },
    });
    return user;
  }

  /**
   * A banned user is refused (409, saying until when) once the password is right. The ban is read
   * again after the token is made: a ban that lands in between, which ended every session but could
   * not end this one yet, ends it here.
   */
  async login(name: string, password: string): Promise<{ token: string; userId: number }> {
    const user = await this.findForLogin(name, password);
    if (!(await this.hasher.matches(password, user?.passwordHash))) {
      throw new ConflictError('Invalid credentials');
    }
    await this.refuseIfBanned(user!.id);
    const token = await this.tokens.issue(user!.id);
    try {
      await this.refuseIfBanned(user!.id);
    } catch (error) {
      await this.sessions.revokeAllForUser(user!.id);
      throw error;
    }
    return { token, userId: user!.id };
  }

  private async refuseIfBanned(userId: number): Promise<void> {
    const ban = await this.bans.active(userId);
    if (ban) throw new ConflictError(banDetail(ban));
  }

  async logout(caller: AuthUser): Promise<void> {
    await this.sessions.revoke(caller.sessionId);
  }

  async profile(caller: AuthUser): Promise<User> {
    const user = await this.users.findById(caller.id);
    if (!user || user.deletedAt) throw new AuthenticationError('Invalid token');
    return user;
  }

  /** A live account (not deleted), or null. */
  async findLive(userId: number): Promise<User | null> {
    const user = await this.users.findById(userId);
    return user && !user.deletedAt ? user : null;
  }

  /** Refuses (409 Invalid credentials) a password that is not the caller's current one. */
  async checkPassword(caller: AuthUser, password: string): Promise<void> {
    const user = await this.users.findLiveWithPasswordHash(caller.id);
    if (!user) throw new AuthenticationError('Invalid token');
    const comparable =
      Buffer.byteLength(password) <= PASSWORD_BYTES.max && !password.includes('\0');
    if (!(await this.hasher.matches(comparable ? password : '', user.passwordHash))) {
      throw new ConflictError('Invalid credentials');
    }
  }

  /** Accounts in id order: all of them, or `limit` with ids above `afterId`. */
  list(page?: { afterId: number; limit: number }): Promise<User[]> {
    return this.users.list(page);
  }

  /**
   * Renames and/or changes the password of the caller's live account; a new password ends every
   * other session. An account deleted meanwhile is left as it is (401).
   */
  async update(caller: AuthUser, changes: UserChangesDto): Promise<void> {
    if (changes.name === undefined && changes.password === undefined) {
      throw new InvalidInputError([
        { field: 'data_update', message: 'data_update must change name or password' },
      ]);
    }
    const passwordHash =
      changes.password === undefined ? undefined : await this.hasher.hash(changes.password);
    let updated: UpdatedAccount | null;
    try {
      updated = await this.users.updateLive(caller.id, { name: changes.name, passwordHash });
    } catch (error) {
      throw isUniqueViolation(error) ? new ConflictError('Name is occupied') : error;
    }
    if (!updated) throw new AuthenticationError('Invalid token');
    if (changes.password !== undefined) {
      await this.sessions.revokeAllForUser(caller.id, caller.sessionId);
    }
    if (changes.name !== undefined) this.publishUpdated(updated);
  }

  /**
   * Deletes the account but keeps the row, so its messages keep an author: renamed
   * "Deleted #<id>", no password, the deleted-user avatar, every session ended. Answers the name it
   * had, or null when it was deleted already (by this call's rival too: the row is locked).
   */
  async delete(userId: number): Promise<{ previousName: string } | null> {
    const deleted = await this.users.markDeleted(userId, {
      name: `Deleted #${userId}`,
      avatar: DELETED_USER_AVATAR,
    });
    await this.sessions.revokeAllForUser(userId);
    if (!deleted) return null;
    this.events.publish({ type: 'user.deleted', userId, previousAvatar: deleted.previousAvatar });
    return { previousName: deleted.previousName };
  }

  /**
   * Sets a live account's role; a demotion ends all of its sessions. Answers the role it had (read
   * under the row's lock, so two changes at once each see the one before).
   */
  async changeRole(userId: number, role: Role): Promise<Role> {
    if (!ROLES.includes(role)) throw new ConflictError('Invalid role');
    const updated = await this.users.updateLive(userId, { role });
    if (!updated) throw new ConflictError('No such account');
    if (role < updated.previous.role) await this.sessions.revokeAllForUser(userId);
    this.publishUpdated(updated);
    return updated.previous.role;
  }

  /** Points a live account at a new avatar; the previous one, or null for a deleted account. */
  async replaceAvatar(userId: number, avatar: string): Promise<string | null> {
    const updated = await this.users.updateLive(userId, { avatar });
    if (!updated) return null;
    this.publishUpdated(updated);
    return updated.previous.avatar;
  }

  private publishUpdated({ id, name, role, avatar }: UpdatedAccount): void {
    this.events.publish({ type: 'user.updated', userId: id, name, role, avatar });
  }

  hasActiveAdmin(): Promise<boolean> {
    return this.users.hasLiveAdmin();
  }

  async create(name: string, password: string, role: Role): Promise<User> {
    const passwordHash = await this.hasher.hash(password);
    try {
      return await this.users.insert({ name, passwordHash, role, avatar: randomDefaultAvatar() });
    } catch (error) {
      throw isUniqueViolation(error) ? new ConflictError('Name is occupied') : error;
    }
  }

  /**
   * The live account a login names, with its password hash, or null. A password no account can
   * have (longer than bcrypt reads, or with a NUL, where bcrypt would stop) finds none.
   */
  findForLogin(name: string, password: string): Promise<User | null> {
    // No stored password has these; and PostgreSQL cannot compare text holding NUL.
    const comparable =
      Buffer.byteLength(password) <= PASSWORD_BYTES.max &&
      !password.includes('\0') &&
      !name.includes('\0');
    if (!comparable) return Promise.resolve(null);
    return this.users.findLiveByNameWithPasswordHash(name);
  }
}
