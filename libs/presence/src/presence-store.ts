import { PresenceChange, PresenceStatus, SocketStatus } from './presence-status';

/**
 * Where presence is kept: each socket's status (keyed by a connection id unique to this instance),
 * each user's status over all their sockets, and which present users each room has (for its
 * online count). Every change to a socket returns the users whose status changed with it, worked
 * out in the same atomic step, so two instances changing one user at once agree.
 */
export abstract class PresenceStore {
  /**
   * Told of changes the store finds by itself: the sockets of an instance that died, swept; or
   * this instance's sockets put back after the store lost them.
   */
  changed: (changes: PresenceChange[]) => void = () => undefined;

  /** Records a socket of `userId` (new, or with a new status). */
  abstract put(
    connectionId: string,
    userId: number,
    status: SocketStatus,
  ): Promise<PresenceChange[]>;

  /** Forgets a socket. */
  abstract remove(connectionId: string): Promise<PresenceChange[]>;

  /** This instance stops: forgets every socket of it, and answers the resulting changes. */
  abstract retire(): Promise<PresenceChange[]>;

  /** Each user's status, in the order asked. */
  abstract statuses(userIds: number[]): Promise<PresenceStatus[]>;

  /**
   * Makes the room counts agree with the user's status and rooms: a present user is counted in
   * `roomIds` (and no longer in rooms left since), an offline one in none. Answers the online
   * count of each of `counted`, in order.
   */
  abstract syncRooms(userId: number, roomIds: number[], counted: number[]): Promise<number[]>;

  /** How many members of each room are online or away, in order. */
  abstract onlineCounts(roomIds: number[]): Promise<number[]>;

  /**
   * Whether a typing notice of this user in this room may go out now: at most one each
   * `intervalMs` over every instance.
   */
  abstract claimTyping(userId: number, roomId: number, intervalMs: number): Promise<boolean>;
}
