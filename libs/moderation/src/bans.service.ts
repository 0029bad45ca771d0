import { Injectable } from '@nestjs/common';
import { AuditLog } from '@chat/audit';
import { ActiveBan, AuthUser, banDetail, BansRepository, SessionsService } from '@chat/auth';
import { NotFoundError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { endTime } from './moderation-fields';
import { siteActionRefusal } from '@chat/protocol';
import { ModerationTargets } from './moderation-targets';

const BANS_LISTED = 500;

/**
 * Site bans: the user's sockets on every instance are told and closed, every session ends, and
 * sign-in is refused (409, saying until when) while the ban is in force. A ban with an end expires
 * by itself: sign-in checks the time.
 */
@Injectable()
export class BansService {
  constructor(
    private readonly bans: BansRepository,
    private readonly targets: ModerationTargets,
    private readonly sessions: SessionsService,
    private readonly events: EventBus,
    private readonly audit: AuditLog,
  ) {}

  async ban(
    caller: AuthUser,
    request: { user_id: number; reason: string; until?: string },
    via = 'api',
  ): Promise<ActiveBan> {
    this.targets.take(caller);
    const until = endTime(request.until);
    const target = await this.targets.find(request.user_id);
    this.targets.check(siteActionRefusal(caller, target));
    const ban = await this.bans.ban(target.id, caller.id, request.reason, until);
    this.events.publish({ type: 'user.banned', userId: target.id, detail: banDetail(ban) });
    await this.sessions.revokeAllForUser(target.id);
    await this.audit.record({
      actorId: caller.id,
      action: 'user.ban',
      targetUserId: target.id,
      reason: request.reason,
      details: { via, until: ban.until },
    });
    return ban;
  }

  async unban(caller: AuthUser, userId: number, via = 'api'): Promise<void> {
    this.targets.take(caller);
    const target = await this.targets.find(userId);
    this.targets.check(siteActionRefusal(caller, target));
    const ban = await this.bans.active(target.id);
    if (ban) await this.targets.checkMayLift(caller, ban.actor_id);
    if (!ban || !(await this.bans.lift(target.id, caller.id))) {
      throw new NotFoundError('This user is not banned');
    }
    await this.audit.record({
      actorId: caller.id,
      action: 'user.unban',
      targetUserId: target.id,
      details: { via },
    });
  }

  list(): Promise<ActiveBan[]> {
    return this.bans.allActive(BANS_LISTED);
  }
}
