import { Injectable } from '@nestjs/common';
import DataLoader from 'dataloader';
import { AuthUser } from '@chat/auth';
import { NotFoundError, PermissionError } from '@chat/errors';
import { Role } from '@chat/roles';
import { GENERAL_ROOM_ID } from './general-room';
import { isId } from './room-id';
import { RoomNumber, RoomsRepository } from './rooms.repository';

export interface RoomAccessResult {
  roomId: number;
  kind: 'public' | 'private' | 'direct';
  archived: boolean;
  /** null: a public room the caller is not in. */
  roomRole: 'owner' | 'member' | null;
}

export const ROOM_NOT_FOUND = 'Room not found';

/** Users whose rooms one statement reads at most. */
const ROOMS_OF_BATCH = 500;

/**
 * Who may see, read and write a room, in one query each. A private room or a direct room is "not
 * found" for anyone outside it, so its existence never leaks; everyone is a member of the general
 * room.
 */
@Injectable()
export class RoomAccess {
  /**
   * The rooms of the users asked for in one event-loop turn (the sign-ins of sockets whose frames
   * came together, as in a reconnect wave) are read in one statement, not one round trip each.
   */
  private readonly roomsOfUsers = new DataLoader<number, RoomNumber[]>(
    async (userIds) => {
      const rooms = await this.rooms.roomsOf(userIds);
      return userIds.map((userId) => rooms.get(userId) ?? []);
    },
    { cache: false, maxBatchSize: ROOMS_OF_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );

  constructor(private readonly rooms: RoomsRepository) {}

  /** The room, if the caller may see it: public, or they are in it. */
  async visible(caller: AuthUser, roomId: number): Promise<RoomAccessResult> {
    // An id PostgreSQL's integer cannot hold would fail the query: it names no room.
    if (!isId(roomId)) throw new NotFoundError(ROOM_NOT_FOUND);
    const row = await this.rooms.access(roomId, caller.id);
    if (!row) throw new NotFoundError(ROOM_NOT_FOUND);
    const roomRole = roomId === GENERAL_ROOM_ID ? 'member' : row.room_role;
    if (row.kind !== 'public' && roomRole === null) throw new NotFoundError(ROOM_NOT_FOUND);
    return { roomId, kind: row.kind, archived: row.archived, roomRole };
  }

  /** The room, if the caller is in it (read its history). */
  async member(caller: AuthUser, roomId: number): Promise<RoomAccessResult> {
    const access = await this.visible(caller, roomId);
    if (access.roomRole === null) throw new PermissionError('Join the room first');
    return access;
  }

  /** The room, if the caller is in it and it is not archived (send to it). */
  async writable(caller: AuthUser, roomId: number): Promise<RoomAccessResult> {
    const access = await this.member(caller, roomId);
    if (access.archived) throw new PermissionError('The room is archived');
    return access;
  }

  /**
   * The room's owner, or a site moderator or admin in a public room (in private rooms and DMs they
   * act only through the admin panel).
   */
  actsAsOwner(caller: AuthUser, access: RoomAccessResult): boolean {
    return (
      access.roomRole === 'owner' || (access.kind === 'public' && caller.role >= Role.Moderator)
    );
  }

  /** The general room first, then every room the user is in, archived or not, with its number. */
  roomsOf(userId: number): Promise<RoomNumber[]> {
    return this.roomsOfUsers.load(userId);
  }

  /** How many live members each room has (every live account, in the general room). */
  memberCounts(roomIds: number[]): Promise<Map<number, number>> {
    return this.rooms.memberCounts(roomIds);
  }
}
