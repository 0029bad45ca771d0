import { Injectable } from '@nestjs/common';
import { AuditLog } from '@chat/audit';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import {
  ConflictError,
  InvalidInputError,
  NotFoundError,
  PermissionError,
  TooManyRequestsError,
} from '@chat/errors';
import { Role } from '@chat/roles';
import {
  containsPattern,
  decodeDirectoryCursor,
  DIRECTORY_START,
  encodeDirectoryCursor,
} from './directory-cursor';
import { GENERAL_ROOM_ID } from './general-room';
import { ROOM_NOT_FOUND, RoomAccess, RoomAccessResult } from './room-access.service';
import { ChangeTransaction, RoomChangeLog } from './room-change-log.service';
import { RoomMembersRepository } from './room-members.repository';
import { roomArchived, tooManyRooms } from './room-rules';
import { DirectoryPage, MyRoom, RoomSummary, RoomView } from './room-views';
import { RoomsRepository } from './rooms.repository';

export const DIRECTORY_PAGE = 50;
const HOUR_SECONDS = 3600;

export interface NewRoom {
  name: string;
  kind: 'public' | 'private';
  topic?: string;
}

export interface RoomChanges {
  name?: string;
  topic?: string;
}

/**
 * Rooms themselves: creating, reading, listing, renaming and archiving. Every change is numbered
 * in its room and announced once committed (RoomChangeLog).
 */
@Injectable()
export class RoomsService {
  private readonly limits: AppConfig['rooms'];

  constructor(
    private readonly rooms: RoomsRepository,
    private readonly members: RoomMembersRepository,
    private readonly access: RoomAccess,
    private readonly changeLog: RoomChangeLog,
    private readonly audit: AuditLog,
    config: AppConfig,
  ) {
    this.limits = config.rooms;
  }

  /** The general room first, then the caller's other rooms, each with its newest message. */
  mine(caller: AuthUser): Promise<MyRoom[]> {
    return this.rooms.mine(caller.id);
  }

  /** A page of open public rooms by name, those whose name contains `query` when given. */
  async directory(caller: AuthUser, query?: string, cursor?: string): Promise<DirectoryPage> {
    const after = cursor === undefined ? DIRECTORY_START : decodeDirectoryCursor(cursor);
    const rows = await this.rooms.directory(
      caller.id,
      containsPattern(query),
      after,
      DIRECTORY_PAGE + 1,
    );
    const page = rows.slice(0, DIRECTORY_PAGE);
    const last = page[page.length - 1];
    return {
      rooms: page.map((row) => row.room),
      next_cursor:
        rows.length > DIRECTORY_PAGE
          ? encodeDirectoryCursor({ sortName: last.sortName, id: last.room.id })
          : null,
    };
  }

  /**
   * A new public or private room with the caller as its owner (member.joined, the room's first
   * change). ROOMS_CREATED_PER_HOUR and ROOMS_PER_USER bound it.
   */
  async create(caller: AuthUser, room: NewRoom): Promise<RoomView> {
    const joined = await this.changeLog.transact(async (tx) => {
      await this.members.lockUsers(tx.sql, [caller.id]);
      const created = await this.rooms.countCreatedSince(tx.sql, caller.id, HOUR_SECONDS);
      if (created >= this.limits.createdPerHour) {
        throw new TooManyRequestsError(
          `You can create at most ${this.limits.createdPerHour} rooms per hour; try again later`,
        );
      }
      if ((await this.members.countOfUser(tx.sql, caller.id)) >= this.limits.perUser) {
        throw tooManyRooms(this.limits.perUser, 'caller');
      }
      const roomId = await this.rooms.insert(tx.sql, {
        kind: room.kind,
        name: room.name,
        topic: room.topic ?? '',
        createdBy: caller.id,
      });
      const owner = await this.members.insert(tx.sql, roomId, caller.id, 'owner');
      // The caller's session is live, but the account may have been deleted since it was checked.
      if (!owner) throw new NotFoundError('Your account no longer exists');
      return tx.joined(roomId, owner);
    });
    return Object.assign({}, joined.room, { room_role: 'owner' as const, peer: null });
  }

  /** The room, if the caller may see it. */
  async view(caller: AuthUser, roomId: number): Promise<RoomView> {
    await this.access.visible(caller, roomId);
    return this.readView(roomId, caller.id);
  }

  /**
   * Renames and/or sets the topic (room.updated), for the owner, or a site moderator or admin in
   * a public room; the general room, only for site admins. Nothing changed: no new number.
   */
  async update(caller: AuthUser, roomId: number, changes: RoomChanges): Promise<RoomView> {
    if (changes.name === undefined && changes.topic === undefined) {
      throw new InvalidInputError([{ field: 'body', message: 'name or topic is required' }]);
    }
    const access = await this.access.visible(caller, roomId);
    this.mayManage(caller, access);
    const changed = await this.changeLog.transact(async (tx) => {
      const current = await this.lockOpen(tx, roomId);
      const name = changes.name ?? current.name;
      const topic = changes.topic ?? current.topic;
      if (name === current.name && topic === current.topic) return false;
      await this.rooms.update(tx.sql, roomId, {
        name: changes.name ?? null,
        topic: changes.topic ?? null,
      });
      await tx.updated(roomId);
      return true;
    });
    // A site moderator or admin changing a room they do not own acts as moderation: audited.
    if (changed && access.roomRole !== 'owner') {
      await this.audit.record({
        actorId: caller.id,
        action: 'room.update',
        targetRoomId: roomId,
        details: { via: 'api', ...changes },
      });
    }
    return this.readView(roomId, caller.id);
  }

  /**
   * Archives the room (room.updated, `archived` true): members still read it, nobody writes or
   * joins. The same rule as update; the general room never. Archiving twice changes nothing.
   */
  async archive(caller: AuthUser, roomId: number): Promise<RoomView> {
    const access = await this.access.visible(caller, roomId);
    if (roomId === GENERAL_ROOM_ID) throw generalNotArchivable();
    this.mayManage(caller, access);
    // A site moderator or admin archiving a room they do not own acts as moderation: audited.
    const asModerator = access.roomRole !== 'owner';
    await this.archiveRoom(roomId, asModerator ? { actorId: caller.id, via: 'api' } : null);
    return this.readView(roomId, caller.id);
  }

  /** The admin panel's archive: any room but the general one, announced as from the API. */
  async archiveFromPanel(roomId: number, actorId?: number): Promise<void> {
    if (roomId === GENERAL_ROOM_ID) throw generalNotArchivable();
    await this.archiveRoom(roomId, actorId === undefined ? null : { actorId, via: 'panel' });
  }

  private async archiveRoom(
    roomId: number,
    audited: { actorId: number; via: string } | null,
  ): Promise<void> {
    const archived = await this.changeLog.transact(async (tx) => {
      if (!(await this.rooms.lock(tx.sql, roomId))) throw new NotFoundError(ROOM_NOT_FOUND);
      if (!(await this.rooms.archive(tx.sql, roomId))) return false;
      await tx.updated(roomId);
      return true;
    });
    if (archived && audited) {
      await this.audit.record({
        actorId: audited.actorId,
        action: 'room.archive',
        targetRoomId: roomId,
        details: { via: audited.via },
      });
    }
  }

  private mayManage(caller: AuthUser, access: RoomAccessResult): void {
    if (access.roomId === GENERAL_ROOM_ID) {
      if (caller.role < Role.Admin) {
        throw new PermissionError('Only site admins can change the general room');
      }
    } else if (!this.access.actsAsOwner(caller, access)) {
      throw new PermissionError('Only the room owner can change the room');
    }
  }

  /** Locks the room for a change of its own: it must be open. */
  private async lockOpen(tx: ChangeTransaction, roomId: number): Promise<RoomSummary> {
    const locked = await this.rooms.lock(tx.sql, roomId);
    if (!locked) throw new NotFoundError(ROOM_NOT_FOUND);
    if (locked.archived) throw roomArchived();
    return (await this.rooms.summary(roomId, tx.sql))!;
  }

  private async readView(roomId: number, readerId: number): Promise<RoomView> {
    const view = await this.rooms.view(roomId, readerId);
    if (!view) throw new NotFoundError(ROOM_NOT_FOUND);
    return view;
  }
}

const generalNotArchivable = () => new ConflictError('The general room cannot be archived');
