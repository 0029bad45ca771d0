import { Injectable } from '@nestjs/common';
import { Role } from '@chat/roles';
import { PasswordHasher, UsersService } from '@chat/users';

export interface AdminIdentity {
  email: string;
  id: string;
  title: string;
}

/** The panel's login: a live account with role 3 and its bcrypt-checked password. */
@Injectable()
export class AdminAuthService {
  constructor(
    private readonly users: UsersService,
    private readonly hasher: PasswordHasher,
  ) {}

  /** AdminJS calls the login field "email"; here it holds the account name. */
  async authenticate(name: string, password: string): Promise<AdminIdentity | null> {
    const secret = String(password ?? '');
    const user = await this.users.findForLogin(String(name ?? '').trim(), secret);
    const matches = await this.hasher.matches(secret, user?.passwordHash);
    if (!user || !matches || user.role !== Role.Admin) return null;
    return { email: user.name, id: String(user.id), title: 'Admin' };
  }
}
