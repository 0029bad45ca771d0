import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsSelect, IsNull, MoreThan, Raw, Repository } from 'typeorm';
import { PreparedStatements } from '@chat/database';
import { Role } from '@chat/roles';
import { User } from './user.entity';

/**
 * What an update may change on a live account; a column left undefined keeps its value (so no
 * update can set a column to NULL: only markDeleted clears the password hash).
 */
export interface AccountChanges {
  name?: string;
  passwordHash?: string;
  role?: Role;
  avatar?: string;
}

/** A live account as an update left it, with what it was before. */
export interface UpdatedAccount {
  id: number;
  name: string;
  role: Role;
  avatar: string;
  previous: { name: string; role: Role; avatar: string };
}

/** Every column, the password hash included (it is read only when asked for). */
const WITH_PASSWORD_HASH: FindOptionsSelect<User> = {
  id: true,
  name: true,
  passwordHash: true,
  role: true,
  avatar: true,
  createdAt: true,
  updatedAt: true,
  deletedAt: true,
};

/**
 * Sets the given columns of a live account and returns it with the values it had before, in one
 * statement: the row is locked while its previous values are read.
 */
const UPDATE_LIVE = `
  UPDATE users u
     SET name = coalesce($2, u.name), password_hash = coalesce($3, u.password_hash),
         role = coalesce($4, u.role), avatar = coalesce($5, u.avatar), updated_at = now()
    FROM (SELECT id, name, role, avatar FROM users WHERE id = $1 FOR UPDATE) previous
   WHERE u.id = previous.id AND u.deleted_at IS NULL
  RETURNING u.id, u.name, u.role, u.avatar,
            previous.name AS previous_name, previous.role AS previous_role,
            previous.avatar AS previous_avatar`;

const MARK_DELETED = `
  UPDATE users u
     SET name = $2, password_hash = NULL, avatar = $3, deleted_at = now(), updated_at = now()
    FROM (SELECT id, name, avatar FROM users WHERE id = $1 FOR UPDATE) previous
   WHERE u.id = previous.id AND u.deleted_at IS NULL
  RETURNING previous.name AS previous_name, previous.avatar AS previous_avatar`;

interface UpdatedRow {
  id: number;
  name: string;
  role: Role;
  avatar: string;
  previous_name: string;
  previous_role: Role;
  previous_avatar: string;
}

/**
 * The users table. Reads and the insert go through TypeORM's Repository API; the two updates that
 * must return what a row held before are fixed statements.
 */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectRepository(User) private readonly users: Repository<User>,
    private readonly sql: PreparedStatements,
  ) {}

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  /** The live account with this id, its password hash included. */
  findLiveWithPasswordHash(id: number): Promise<User | null> {
    return this.users.findOne({
      select: WITH_PASSWORD_HASH,
      where: { id, deletedAt: IsNull() },
    });
  }

  /** The live account whose name matches case-insensitively, its password hash included. */
  findLiveByNameWithPasswordHash(name: string): Promise<User | null> {
    return this.users.findOne({
      select: WITH_PASSWORD_HASH,
      // lower(name), as the unique index users_name_lower_key reads it.
      where: {
        name: Raw((column) => `lower(${column}) = lower(:name)`, { name }),
        deletedAt: IsNull(),
      },
    });
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

  hasLiveAdmin(): Promise<boolean> {
    return this.users.exists({ where: { role: Role.Admin, deletedAt: IsNull() } });
  }

  /**
   * Stores a new account; a name taken in any case fails with a unique violation. The account
   * comes back as a read gives it, without the password hash.
   */
  async insert(account: {
    name: string;
    passwordHash: string;
    role: Role;
    avatar: string;
  }): Promise<User> {
    const saved: Partial<User> = await this.users.save(this.users.create(account));
    delete saved.passwordHash;
    return saved as User;
  }

  /** Applies `changes` to a live account; null when there is no live account with this id. */
  async updateLive(id: number, changes: AccountChanges): Promise<UpdatedAccount | null> {
    const { rows } = await this.sql.query<UpdatedRow>(UPDATE_LIVE, [
      id,
      changes.name ?? null,
      changes.passwordHash ?? null,
      changes.role ?? null,
      changes.avatar ?? null,
    ]);
    const row = rows[0];
    if (!row) return null;
    return {
      id: row.id,
      name: row.name,
      role: row.role,
      avatar: row.avatar,
      previous: { name: row.previous_name, role: row.previous_role, avatar: row.previous_avatar },
    };
  }

  /**
   * Marks a live account deleted, giving it `name` and `avatar` and no password; the avatar it had,
   * or null when there is no live account with this id.
   */
  async markDeleted(
    id: number,
    replacement: { name: string; avatar: string },
  ): Promise<{ previousName: string; previousAvatar: string } | null> {
    const { rows } = await this.sql.query<{ previous_name: string; previous_avatar: string }>(
      MARK_DELETED,
      [id, replacement.name, replacement.avatar],
    );
    return rows[0]
      ? { previousName: rows[0].previous_name, previousAvatar: rows[0].previous_avatar }
      : null;
  }
}
