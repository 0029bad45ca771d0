import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { NotFoundError, PermissionError, TooManyRequestsError } from '@chat/errors';
import { Party } from '@chat/protocol';
import { UserRateLimit } from '@chat/rooms';
import { UsersService } from '@chat/users';

export const USER_NOT_FOUND = 'No such user';

/**
 * What every moderation action checks first: the caller's allowance (MODERATION_RATE_*), the user
 * it is aimed at, and whether the caller may act on them.
 */
@Injectable()
export class ModerationTargets {
  private readonly actions: UserRateLimit;

  constructor(
    private readonly users: UsersService,
    config: AppConfig,
  ) {
    this.actions = new UserRateLimit(config.moderationRate);
  }

  /** Takes one action from the caller's allowance (429 past it), before anything is read. */
  take(caller: AuthUser): void {
    if (!this.actions.take(caller.id)) {
      throw new TooManyRequestsError('Too many moderation actions; retry after a while');
    }
  }

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

  /**
   * A ban or mute is lifted by someone of at least the site role of whoever made it, so a room
   * owner cannot undo a moderator's room ban, nor a moderator an admin's mute. An account deleted
   * since counts as a user.
   */
  async checkMayLift(caller: AuthUser, madeBy: number): Promise<void> {
    const maker = await this.users.findLive(madeBy);
    if (maker && maker.role > caller.role) {
      throw new PermissionError('Only someone of at least the rank of whoever made it lifts this');
    }
  }
}
