import { Injectable } from '@nestjs/common';
import { AuditLog } from '@chat/audit';
import { AuthUser } from '@chat/auth';
import { ConflictError, InvalidInputError, NotFoundError } from '@chat/errors';
import { GENERAL_ROOM_ID, RoomAccess, RoomMembershipsService } from '@chat/rooms';
import { endTime } from './moderation-fields';
import { roomActionRefusal } from '@chat/protocol';
import { ModerationTargets } from './moderation-targets';

export interface KickResult {
  removed: boolean;
  banned: boolean;
}

/**
 * Kicks from a room, by whoever acts as its owner: the user loses the room at once (member.left,
 * so their sockets get room.removed), and may join a public room again unless also banned from it.
 */
@Injectable()
export class KicksService {
  constructor(
    private readonly memberships: RoomMembershipsService,
    private readonly access: RoomAccess,
    private readonly targets: ModerationTargets,
    private readonly audit: AuditLog,
  ) {}

  async kick(
    caller: AuthUser,
    request: { room_id: number; user_id: number; reason: string; ban?: boolean; until?: string },
  ): Promise<KickResult> {
    this.targets.take(caller);
    if (!request.ban && request.until !== undefined) {
      throw new InvalidInputError([
        { field: 'until', message: 'until is the end of a room ban: give it with ban: true' },
      ]);
    }
    const until = request.ban ? endTime(request.until) : null;
    await this.checkMay(caller, request.room_id, request.user_id);
    const ban = request.ban ? { actorId: caller.id, reason: request.reason, until } : null;
    const removed = await this.memberships.kick(request.room_id, request.user_id, ban);
    if (!removed && !ban) throw new NotFoundError('This user is not a member of the room');
    await this.audit.record({
      actorId: caller.id,
      action: 'room.kick',
      targetUserId: request.user_id,
      targetRoomId: request.room_id,
      reason: request.reason,
      details: { via: 'api', removed, banned: ban !== null, until: until?.toISOString() ?? null },
    });
    return { removed, banned: ban !== null };
  }

  async liftBan(caller: AuthUser, roomId: number, userId: number): Promise<void> {
    this.targets.take(caller);
    await this.checkMay(caller, roomId, userId);
    const ban = await this.memberships.roomBan(roomId, userId);
    if (ban) await this.targets.checkMayLift(caller, ban.actor_id);
    if (!ban || !(await this.memberships.liftBan(roomId, userId))) {
      throw new NotFoundError('This user is not banned from the room');
    }
    await this.audit.record({
      actorId: caller.id,
      action: 'room.unban',
      targetUserId: userId,
      targetRoomId: roomId,
      details: { via: 'api' },
    });
  }

  private async checkMay(caller: AuthUser, roomId: number, userId: number): Promise<void> {
    const room = await this.access.visible(caller, roomId);
    if (roomId === GENERAL_ROOM_ID) {
      throw new ConflictError('Nobody leaves the general room: mute or ban instead');
    }
    if (room.kind === 'direct')
      throw new ConflictError('Nobody is kicked from a direct conversation');
    const target = await this.targets.find(userId);
    this.targets.check(roomActionRefusal(caller, target, this.access.actsAsOwner(caller, room)));
  }
}
