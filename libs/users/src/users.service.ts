import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { AuthUser, SessionsService, TokensService } from '@chat/auth';
import { isUniqueViolation } from '@chat/database';
import { AuthenticationError, ConflictError, InvalidInputError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { Role, ROLES } from '@chat/roles';
import { DELETED_USER_AVATAR, randomDefaultAvatar } from './default-avatars';
import { UserChangesDto } from './dto/update-user.dto';
import { PASSWORD_BYTES } from './dto/user-fields';
import { PasswordHasher } from './password-hasher.service';
import { User } from './user.entity';

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

  list(): Promise<User[]> {
    return this.users.find({ order: { id: 'ASC' } });
  }

  /** Renames and/or changes the password; a new password ends every other session. */
  async update(caller: AuthUser, changes: UserChangesDto): Promise<void> {
    if (changes.name === undefined && changes.password === undefined) {
      throw new InvalidInputError([
        { field: 'data_update', message: 'data_update must change name or password' },
      ]);
    }
    const update: Partial<User> = {};
    if (changes.name !== undefined) update.name = changes.name;
    if (changes.password !== undefined)
      update.passwordHash = await this.hasher.hash(changes.password);
    try {
      await this.users.update({ id: caller.id }, update);
    } catch (error) {
      throw isUniqueViolation(error) ? new ConflictError('Name is occupied') : error;
    }
    if (changes.password !== undefined) {
      await this.sessions.revokeAllForUser(caller.id, caller.sessionId);
    }
  }

  /**
   * Deletes the account but keeps the row, so its messages keep an author: renamed
   * "Deleted #<id>", no password, the deleted-user avatar, every session ended.
   */
  async delete(userId: number): Promise<void> {
    const previousAvatar = await this.updateLiveAccount<string>(
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
    if (previousAvatar !== null) {
      this.events.publish({ type: 'user.deleted', userId, previousAvatar });
    }
  }

  /** Sets a live account's role; a demotion ends all of its sessions. */
  async changeRole(userId: number, role: Role): Promise<void> {
    if (!ROLES.includes(role)) throw new ConflictError('Invalid role');
    const previousRole = await this.updateLiveAccount<Role>(userId, { role }, 'role');
    if (previousRole === null) throw new ConflictError('No such account');
    if (role < previousRole) await this.sessions.revokeAllForUser(userId);
  }

  /** Points a live account at a new avatar; the previous one, or null for a deleted account. */
  replaceAvatar(userId: number, avatar: string): Promise<string | null> {
    return this.updateLiveAccount<string>(userId, { avatar }, 'avatar');
  }

  /**
   * Sets columns of a live (not deleted) account in one statement, returning what `previous` held
   * before, or null when there is no live account. Column names come from this class only.
   */
  private async updateLiveAccount<T>(
    userId: number,
    columns: Record<string, unknown>,
    previous: 'avatar' | 'role',
  ): Promise<T | null> {
    const assignments = Object.keys(columns)
      .map((name, index) => `${name} = $${index + 2}`)
      .join(', ');
    const [rows] = (await this.users.query(
      `UPDATE users u SET ${assignments}, updated_at = now()
         FROM (SELECT id, ${previous} AS value FROM users WHERE id = $1 FOR UPDATE) previous
        WHERE u.id = previous.id AND u.deleted_at IS NULL
        RETURNING previous.value`,
      [userId, ...Object.values(columns)],
    )) as [{ value: T }[], number];
    return rows[0]?.value ?? null;
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
