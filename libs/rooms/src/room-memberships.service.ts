import { Injectable } from '@nestjs/common';
import { AuditLog } from '@chat/audit';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { ConflictError, NotFoundError, PermissionError } from '@chat/errors';
import { RoomMember } from '@chat/events';
import { actingRefusal } from '@chat/protocol';
import { GENERAL_ROOM_ID } from './general-room';
import { ROOM_NOT_FOUND, RoomAccess, RoomAccessResult } from './room-access.service';
import { ChangeTransaction, RoomChangeLog } from './room-change-log.service';
import { RoomBan, RoomBansRepository, roomBanDetail } from './room-bans.repository';
import { RoomMembersRepository } from './room-members.repository';
import { MEMBER_NOT_FOUND, roomArchived, tooManyRooms, userNotFound } from './room-rules';
import { RoomView } from './room-views';
import { RoomsRepository } from './rooms.repository';

export const MEMBERS_PAGE = 500;

/** An answer that may or may not have changed anything (201 or 200). */
export interface Outcome<T> {
  created: boolean;
  value: T;
}

/**
 * Who is in which room: joining and leaving, adding and removing members. Each change is numbered
 * in its room (member.joined, member.left) and announced once committed.
 *
 * When the last owner of a room leaves or is removed and members remain, the member who has been
 * in it longest becomes its owner, so a private room is never left without someone to manage it.
 * That promotion is not a numbered change: there is no event for a room role (yet).
 */
@Injectable()
export class RoomMembershipsService {
  private readonly perUser: number;

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly members: RoomMembersRepository,
    private readonly access: RoomAccess,
    private readonly changeLog: RoomChangeLog,
    private readonly bans: RoomBansRepository,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.perUser = config.rooms.perUser;
  }

  /**
   * Joins a public room (a private room or a DM is "not found" to outsiders). Already in it: the
   * room as it is, nothing numbered.
   */
  async join(caller: AuthUser, roomId: number): Promise<Outcome<RoomView>> {
    const access = await this.access.visible(caller, roomId);
    let created = false;
    if (access.roomRole === null) {
      created = await this.changeLog.transact(async (tx) => {
        await this.members.lockUsers(tx.sql, [caller.id]);
        await this.lockOpen(tx, roomId);
        await this.refuseBanned(tx, roomId, caller.id);
        const member = await this.members.insert(tx.sql, roomId, caller.id, 'member');
        if (!member) return false; // joined meanwhile
        await this.checkRoomCount(tx, caller.id, 'caller');
        await tx.joined(roomId, member);
        return true;
      });
    }
    return { created, value: await this.readView(roomId, caller.id) };
  }

  /** Leaves a room. The general room and DMs cannot be left. */
  async leave(caller: AuthUser, roomId: number): Promise<void> {
    const access = await this.access.visible(caller, roomId);
    this.checkLeavable(access);
    if (access.roomRole === null) throw new ConflictError('You are not a member of this room');
    await this.removeMember(roomId, caller.id, 'left', () => {
      throw new ConflictError('You are not a member of this room');
    });
  }

  /**
   * The room's live members in user id order, a page at a time: anyone may list a public room's,
   * only members a private room's or a DM's.
   */
  async list(
    caller: AuthUser,
    roomId: number,
    page: { afterId?: number; limit?: number },
  ): Promise<RoomMember[]> {
    await this.access.visible(caller, roomId);
    return this.members.list(
      roomId,
      { afterId: page.afterId ?? 0, limit: page.limit ?? MEMBERS_PAGE },
      { general: roomId === GENERAL_ROOM_ID },
    );
  }

  /**
   * Adds a user: in a private room the owner does, in a public one any member (or a site
   * moderator); nobody adds to a DM. Already in: the member as they are, nothing numbered.
   */
  async add(caller: AuthUser, roomId: number, userId: number): Promise<Outcome<RoomMember>> {
    const access = await this.access.visible(caller, roomId);
    if (access.kind === 'direct') {
      throw new ConflictError('A direct conversation has exactly two members');
    }
    if (access.kind === 'private' && access.roomRole !== 'owner') {
      throw new PermissionError('Only the room owner can add members');
    }
    if (access.roomRole === null && !this.access.actsAsOwner(caller, access)) {
      throw new PermissionError('Join the room first');
    }
    if (roomId === GENERAL_ROOM_ID) {
      const member = await this.members.find(roomId, userId, { general: true });
      if (!member) throw userNotFound();
      return { created: false, value: member };
    }
    return this.changeLog.transact(async (tx) => {
      await this.members.lockUsers(tx.sql, [userId]);
      await this.lockOpen(tx, roomId);
      const existing = await this.members.find(roomId, userId, { general: false, sql: tx.sql });
      if (existing) return { created: false, value: existing };
      await this.refuseBanned(tx, roomId, userId);
      const member = await this.members.insert(tx.sql, roomId, userId, 'member');
      if (!member) throw userNotFound();
      await this.checkRoomCount(tx, userId, 'other');
      await tx.joined(roomId, member);
      return { created: true, value: member };
    });
  }

  /**
   * Removes a member (member.left, reason "removed"): the owner does, or a site moderator in a
   * public room; site moderators and admins are removed by an admin only. Removing yourself is
   * leaving. Written to the audit log, as a kick is.
   */
  async remove(caller: AuthUser, roomId: number, userId: number): Promise<void> {
    if (userId === caller.id) return this.leave(caller, roomId);
    const access = await this.access.visible(caller, roomId);
    if (!this.access.actsAsOwner(caller, access)) {
      throw new PermissionError('Only the room owner can remove members');
    }
    this.checkRemovable(access);
    const member = await this.members.find(roomId, userId, { general: false });
    if (!member) throw new NotFoundError(MEMBER_NOT_FOUND);
    const refusal = actingRefusal(caller, { id: userId, role: member.role });
    if (refusal) throw new PermissionError(refusal);
    await this.removeMember(roomId, userId, 'removed', () => {
      throw new NotFoundError(MEMBER_NOT_FOUND);
    });
    await this.audit.record({
      actorId: caller.id,
      action: 'room.member.remove',
      targetUserId: userId,
      targetRoomId: roomId,
      details: { via: 'api' },
    });
  }

  /** The admin panel's removal: any room's member but the general room's or a DM's. */
  async removeFromPanel(roomId: number, userId: number): Promise<void> {
    const kind = (await this.rooms.summary(roomId))?.kind;
    if (!kind) throw new NotFoundError(ROOM_NOT_FOUND);
    this.checkRemovable({ roomId, kind });
    await this.removeMember(roomId, userId, 'removed', () => {
      throw new NotFoundError(MEMBER_NOT_FOUND);
    });
  }

  /**
   * Kicks a user out of a room (member.left, reason "removed"), and with `ban` keeps them from
   * joining or being added until it ends. Who may kick whom is checked by the caller (moderation).
   * False when they were not a member (a ban alone is still stored).
   */
  async kick(
    roomId: number,
    userId: number,
    ban: { actorId: number; reason: string; until: Date | null } | null,
  ): Promise<boolean> {
    return this.changeLog.transact(async (tx) => {
      if (!(await this.rooms.lock(tx.sql, roomId))) throw new NotFoundError(ROOM_NOT_FOUND);
      if (ban) await this.bans.put(tx.sql, roomId, userId, ban);
      if (!(await this.members.delete(tx.sql, roomId, userId))) return false;
      await this.members.promoteIfOwnerless(tx.sql, roomId);
      await tx.left(roomId, userId, 'removed');
      return true;
    });
  }

  /** The user's ban from the room in force, or null. */
  roomBan(roomId: number, userId: number): Promise<RoomBan | null> {
    return this.bans.find(roomId, userId);
  }

  /** Lifts a ban from a room; false when there was none. */
  liftBan(roomId: number, userId: number): Promise<boolean> {
    return this.bans.delete(roomId, userId);
  }

  private async refuseBanned(tx: ChangeTransaction, roomId: number, userId: number): Promise<void> {
    const ban = await this.bans.inForce(tx.sql, roomId, userId);
    if (ban) throw new PermissionError(roomBanDetail(ban));
  }

  private async removeMember(
    roomId: number,
    userId: number,
    reason: 'left' | 'removed',
    notMember: () => never,
  ): Promise<void> {
    await this.changeLog.transact(async (tx) => {
      if (!(await this.rooms.lock(tx.sql, roomId))) throw new NotFoundError(ROOM_NOT_FOUND);
      if (!(await this.members.delete(tx.sql, roomId, userId))) notMember();
      await this.members.promoteIfOwnerless(tx.sql, roomId);
      await tx.left(roomId, userId, reason);
    });
  }

  private checkLeavable(access: Pick<RoomAccessResult, 'roomId' | 'kind'>): void {
    if (access.roomId === GENERAL_ROOM_ID) {
      throw new ConflictError('Everyone is in the general room; it cannot be left');
    }
    if (access.kind === 'direct') throw new ConflictError('A direct conversation cannot be left');
  }

  private checkRemovable(access: Pick<RoomAccessResult, 'roomId' | 'kind'>): void {
    if (access.roomId === GENERAL_ROOM_ID) {
      throw new ConflictError('Nobody can be removed from the general room');
    }
    if (access.kind === 'direct') {
      throw new ConflictError('Nobody can be removed from a direct conversation');
    }
  }

  /** Locks a room that gains a member: it must be open. */
  private async lockOpen(tx: ChangeTransaction, roomId: number): Promise<void> {
    const locked = await this.rooms.lock(tx.sql, roomId);
    if (!locked) throw new NotFoundError(ROOM_NOT_FOUND);
    if (locked.archived) throw roomArchived();
  }

  /** After the new row: over ROOMS_PER_USER rolls the change back. */
  private async checkRoomCount(
    tx: ChangeTransaction,
    userId: number,
    whose: 'caller' | 'other',
  ): Promise<void> {
    if ((await this.members.countOfUser(tx.sql, userId)) > this.perUser) {
      throw tooManyRooms(this.perUser, whose);
    }
  }

  private async readView(roomId: number, readerId: number): Promise<RoomView> {
    const view = await this.rooms.view(roomId, readerId);
    if (!view) throw new NotFoundError(ROOM_NOT_FOUND);
    return view;
  }
}
