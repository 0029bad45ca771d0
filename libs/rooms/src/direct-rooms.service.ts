import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { BadRequestError, NotFoundError } from '@chat/errors';
import { ROOM_NOT_FOUND } from './room-access.service';
import { RoomChangeLog } from './room-change-log.service';
import { RoomMembersRepository } from './room-members.repository';
import { Outcome } from './room-memberships.service';
import { tooManyRooms, userNotFound } from './room-rules';
import { RoomView } from './room-views';
import { RoomsRepository } from './rooms.repository';

/** The key of the one direct room of two users: "low:high". */
export function dmKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/**
 * Direct conversations: one `direct` room per pair of users, both plain members, opened by either
 * and never left. It has no name; readers see the other user as its `peer`.
 */
@Injectable()
export class DirectRoomsService {
  private readonly perUser: number;

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly members: RoomMembersRepository,
    private readonly changeLog: RoomChangeLog,
    config: AppConfig,
  ) {
    this.perUser = config.rooms.perUser;
  }

  /**
   * The DM with `userId`, made (with member.joined for the caller, then for the other) when the
   * pair has none yet. Both users' locks are held, so two requests of the pair make one room.
   */
  async open(caller: AuthUser, userId: number): Promise<Outcome<RoomView>> {
    if (userId === caller.id) {
      throw new BadRequestError('You cannot start a direct conversation with yourself');
    }
    const key = dmKey(caller.id, userId);
    const { created, roomId } = await this.changeLog.transact(async (tx) => {
      await this.members.lockUsers(tx.sql, [caller.id, userId]);
      const existing = await this.rooms.findDirect(tx.sql, key);
      if (existing !== null) return { created: false, roomId: existing };
      const roomId = await this.rooms.insertDirect(tx.sql, key, caller.id);
      if (roomId === null) {
        // Made by a request that did not take the locks (none does today): it is the one.
        return { created: false, roomId: (await this.rooms.findDirect(tx.sql, key))! };
      }
      const self = await this.members.insert(tx.sql, roomId, caller.id, 'member');
      if (!self) throw new NotFoundError('Your account no longer exists');
      const other = await this.members.insert(tx.sql, roomId, userId, 'member');
      if (!other) throw userNotFound();
      if ((await this.members.countOfUser(tx.sql, caller.id)) > this.perUser) {
        throw tooManyRooms(this.perUser, 'caller');
      }
      if ((await this.members.countOfUser(tx.sql, userId)) > this.perUser) {
        throw tooManyRooms(this.perUser, 'other');
      }
      await tx.joined(roomId, self);
      await tx.joined(roomId, other);
      return { created: true, roomId };
    });
    const view = await this.rooms.view(roomId, caller.id);
    if (!view) throw new NotFoundError(ROOM_NOT_FOUND);
    return { created, value: view };
  }
}
