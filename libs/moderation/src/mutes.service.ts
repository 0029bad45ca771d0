import { Injectable } from '@nestjs/common';
import { AuditLog } from '@chat/audit';
import { AuthUser } from '@chat/auth';
import { NotFoundError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { Mute, MuteRegistry, MutesRepository } from '@chat/mutes';
import { RoomAccess } from '@chat/rooms';
import { endTime } from './moderation-fields';
import { Party, roomActionRefusal, siteActionRefusal } from '@chat/protocol';
import { ModerationTargets } from './moderation-targets';

const MUTE_NOT_FOUND = 'No such mute in force';

/**
 * Mutes: the user reads but cannot send or edit, everywhere (by site moderators and admins) or in
 * one room (by whoever acts as its owner). Every instance holds them in memory (MuteRegistry),
 * told of a change over the bus.
 */
@Injectable()
export class MutesService {
  constructor(
    private readonly mutes: MutesRepository,
    private readonly registry: MuteRegistry,
    private readonly targets: ModerationTargets,
    private readonly access: RoomAccess,
    private readonly events: EventBus,
    private readonly audit: AuditLog,
  ) {}

  async mute(
    caller: AuthUser,
    request: { user_id: number; room_id?: number; reason: string; until?: string },
    via = 'api',
  ): Promise<Mute> {
    this.targets.take(caller);
    const until = endTime(request.until);
    const target = await this.targets.find(request.user_id);
    await this.checkMay(caller, target, request.room_id ?? null);
    const mute = await this.mutes.insert({
      user_id: target.id,
      room_id: request.room_id ?? null,
      actor_id: caller.id,
      reason: request.reason,
      until,
    });
    await this.changed(target.id);
    await this.audit.record({
      actorId: caller.id,
      action: 'user.mute',
      targetUserId: target.id,
      targetRoomId: mute.room_id ?? undefined,
      reason: request.reason,
      details: { via, mute_id: mute.id, until: mute.until },
    });
    return mute;
  }

  async unmute(caller: AuthUser, muteId: number, via = 'api'): Promise<void> {
    this.targets.take(caller);
    const mute = await this.mutes.find(muteId);
    if (!mute) throw new NotFoundError(MUTE_NOT_FOUND);
    const target = await this.targets.find(mute.user_id);
    await this.checkMay(caller, target, mute.room_id);
    await this.targets.checkMayLift(caller, mute.actor_id);
    if (!(await this.mutes.lift(muteId, caller.id))) throw new NotFoundError(MUTE_NOT_FOUND);
    await this.changed(target.id);
    await this.audit.record({
      actorId: caller.id,
      action: 'user.unmute',
      targetUserId: target.id,
      targetRoomId: mute.room_id ?? undefined,
      details: { via, mute_id: muteId },
    });
  }

  /** A user's mutes in force (the route is for site moderators and admins). */
  of(userId: number): Promise<Mute[]> {
    return this.mutes.inForceOf(userId);
  }

  private async checkMay(caller: AuthUser, target: Party, roomId: number | null): Promise<void> {
    if (roomId === null) return this.targets.check(siteActionRefusal(caller, target));
    const room = await this.access.visible(caller, roomId);
    this.targets.check(roomActionRefusal(caller, target, this.access.actsAsOwner(caller, room)));
  }

  /** This instance at once, the others over the bus. */
  private async changed(userId: number): Promise<void> {
    await this.registry.reloadUser(userId);
    this.events.publish({ type: 'mutes.changed', userId });
  }
}
