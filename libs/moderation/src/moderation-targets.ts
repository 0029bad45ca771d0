import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { NotFoundError, PermissionError } from '@chat/errors';
import { UsersService } from '@chat/users';
import { Party } from './moderation-rules';

export const USER_NOT_FOUND = 'No such user';

/** The user a moderation action is aimed at, and the refusal when the caller may not act on them. */
@Injectable()
export class ModerationTargets {
  constructor(private readonly users: UsersService) {}

  /** A live account (404 otherwise). */
  async find(userId: number): Promise<Party> {
    const user = await this.users.findLive(userId);
    if (!user) throw new NotFoundError(USER_NOT_FOUND);
    return { id: user.id, role: user.role };
  }

  /** Throws 403 with `refusal` when there is one. */
  check(refusal: string | null): void {
    if (refusal !== null) throw new PermissionError(refusal);
  }

  actor(caller: AuthUser): Party {
    return { id: caller.id, role: caller.role };
  }
}
