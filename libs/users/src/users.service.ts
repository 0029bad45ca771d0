import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, MoreThan, Repository } from 'typeorm';
import { AuthUser, SessionsService, TokensService } from '@chat/auth';
import { PASSWORD_BYTES } from '@chat/config';
import { isUniqueViolation } from '@chat/database';
import { AuthenticationError, ConflictError, InvalidInputError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { Role, ROLES } from '@chat/roles';
import { DELETED_USER_AVATAR, randomDefaultAvatar } from './default-avatars';
import { UserChangesDto } from './dto/update-user.dto';
import { PasswordHasher } from './password-hasher.service';
import { User } from './user.entity';

/** A live account as an update left it, with what one column held before. */
interface ChangedAccount<T> {
  id: number;
  name: string;
  role: Role;
  avatar: string;
  previous: T;
}

export interface NewAccount {
  name: string;
  password: string;
  role?: number;
}

@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokensService,
    private readonly sessions: SessionsService,
    private readonly events: EventBus,
  ) {}

  /** Self-service sign-up: only the user role may be asked for. */
  registerUser(account: NewAccount): Promise<User> {
    if (account.role !== undefined && account.role !== Role.User) {
      throw new ConflictError('Invalid role');
    }
    return this.create(account.name, account.password, Role.User);
  }

  /** An admin creating an account of any role. */
  registerByAdmin(account: NewAccount): Promise<User> {
    if (!ROLES.includes(account.role as Role)) throw new ConflictError('Invalid role');
    return this.create(account.name, account.password, account.role as Role);
  }

  async login(name: string, password: string): Promise<{ token: string; userId: number }> {
    const user = await this.findForLogin(name, password);
    if (!(await this.hasher.matches(password, user?.passwordHash))) {
      throw new ConflictError('Invalid credentials');
    }
    return { token: await this.tokens.issue(user!.id), userId: user!.id };
  }

  async logout(caller: AuthUser): Promise<void> {
    await this.sessions.revoke(caller.sessionId);
  }

  async profile(caller: AuthUser): Promise<User> {
    const user = await this.users.findOneBy({ id: caller.id });
    if (!user || user.deletedAt) throw new AuthenticationError('Invalid token');
    return user;
  }

  /** Refuses (409 Invalid credentials) a password that is not the caller's current one. */
  async checkPassword(caller: AuthUser, password: string): Promise<void> {
    const user = await this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('user.id = :id', { id: caller.id })
      .andWhere('user.deletedAt IS NULL')
      .getOne();
    if (!user) throw new AuthenticationError('Invalid token');
    const comparable =
      Buffer.byteLength(password) <= PASSWORD_BYTES.max && !password.includes('\0');
    if (!(await this.hasher.matches(comparable ? password : '', user.passwordHash))) {
      throw new ConflictError('Invalid credentials');
    }
  }

  /** Accounts in id order: all of them, or `limit` with ids above `afterId`. */
  list(page?: { afterId: number; limit: number }): Promise<User[]> {
    if (!page) return this.users.find({ order: { id: 'ASC' } });
    return this.users.find({
      where: { id: MoreThan(page.afterId) },
      order: { id: 'ASC' },
      take: page.limit,
    });
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
    const columns: Record<string, unknown> = {};
    if (changes.name !== undefined) columns.name = changes.name;
    if (changes.password !== undefined) {
      columns.password_hash = await this.hasher.hash(changes.password);
    }
    let updated: ChangedAccount<string> | null;
    try {
      updated = await this.updateLiveAccount<string>(caller.id, columns, 'name');
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
   * "Deleted #<id>", no password, the deleted-user avatar, every session ended.
   */
  async delete(userId: number): Promise<void> {
    const deleted = await this.updateLiveAccount<string>(
      userId,
      {
        name: `Deleted #${userId}`,
        password_hash: null,
        avatar: DELETED_USER_AVATAR,
        deleted_at: new Date(),
      },
      'avatar',
    );
    await this.sessions.revokeAllForUser(userId);
    if (deleted) {
      this.events.publish({ type: 'user.deleted', userId, previousAvatar: deleted.previous });
    }
  }

  /** Sets a live account's role; a demotion ends all of its sessions. */
  async changeRole(userId: number, role: Role): Promise<void> {
    if (!ROLES.includes(role)) throw new ConflictError('Invalid role');
    const updated = await this.updateLiveAccount<Role>(userId, { role }, 'role');
    if (!updated) throw new ConflictError('No such account');
    if (role < updated.previous) await this.sessions.revokeAllForUser(userId);
    this.publishUpdated(updated);
  }

  /** Points a live account at a new avatar; the previous one, or null for a deleted account. */
  async replaceAvatar(userId: number, avatar: string): Promise<string | null> {
    const updated = await this.updateLiveAccount<string>(userId, { avatar }, 'avatar');
    if (!updated) return null;
    this.publishUpdated(updated);
    return updated.previous;
  }

  private publishUpdated({ id, name, role, avatar }: ChangedAccount<unknown>): void {
    this.events.publish({ type: 'user.updated', userId: id, name, role, avatar });
  }

  /**
   * Sets columns of a live (not deleted) account in one statement, returning the account as it is
   * now with what `previous` held before, or null when there is no live account. Column names come
   * from this class only.
   */
  private async updateLiveAccount<T>(
    userId: number,
    columns: Record<string, unknown>,
    previous: 'avatar' | 'role' | 'name',
  ): Promise<ChangedAccount<T> | null> {
    const assignments = Object.keys(columns)
      .map((name, index) => `${name} = $${index + 2}`)
      .join(', ');
    const [rows] = (await this.users.query(
      `UPDATE users u SET ${assignments}, updated_at = now()
         FROM (SELECT id, ${previous} AS value FROM users WHERE id = $1 FOR UPDATE) previous
        WHERE u.id = previous.id AND u.deleted_at IS NULL
        RETURNING u.id, u.name, u.role, u.avatar, previous.value AS previous`,
      [userId, ...Object.values(columns)],
    )) as [ChangedAccount<T>[], number];
    return rows[0] ?? null;
  }

  async hasActiveAdmin(): Promise<boolean> {
    return this.users.exists({ where: { role: Role.Admin, deletedAt: IsNull() } });
  }

  async create(name: string, password: string, role: Role): Promise<User> {
    const user = this.users.create({
      name,
      passwordHash: await this.hasher.hash(password),
      role,
      avatar: randomDefaultAvatar(),
    });
    try {
      return await this.users.save(user);
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
    return this.users
      .createQueryBuilder('user')
      .addSelect('user.passwordHash')
      .where('lower(user.name) = lower(:name)', { name })
      .andWhere('user.deletedAt IS NULL')
      .getOne();
  }
}
