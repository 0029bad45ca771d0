import { aggregateStatus, PresenceChange, PresenceStatus, SocketStatus } from './presence-status';
import { PresenceStore } from './presence-store';

/** One instance: presence in this process's memory. */
export class MemoryPresenceStore extends PresenceStore {
  /** Whose each socket is. */
  private readonly owners = new Map<string, number>();
  /** Each present user's sockets with their statuses. */
  private readonly users = new Map<number, Map<string, SocketStatus>>();
  /** The present users of each room, and the rooms each present user is counted in. */
  private readonly rooms = new Map<number, Set<number>>();
  private readonly roomsOfUser = new Map<number, Set<number>>();

  put(connectionId: string, userId: number, status: SocketStatus): Promise<PresenceChange[]> {
    const before = this.statusOf(userId);
    this.owners.set(connectionId, userId);
    const sockets = this.users.get(userId) ?? new Map<string, SocketStatus>();
    sockets.set(connectionId, status);
    this.users.set(userId, sockets);
    return Promise.resolve(this.changeOf(userId, before));
  }

  remove(connectionId: string): Promise<PresenceChange[]> {
    const userId = this.owners.get(connectionId);
    if (userId === undefined) return Promise.resolve([]);
    this.owners.delete(connectionId);
    const before = this.statusOf(userId);
    const sockets = this.users.get(userId)!;
    sockets.delete(connectionId);
    if (sockets.size === 0) {
      this.users.delete(userId);
      for (const roomId of this.roomsOfUser.get(userId) ?? []) this.uncount(userId, roomId);
    }
    return Promise.resolve(this.changeOf(userId, before));
  }

  async retire(): Promise<PresenceChange[]> {
    const changes: PresenceChange[] = [];
    for (const connectionId of [...this.owners.keys()]) {
      changes.push(...(await this.remove(connectionId)));
    }
    return changes;
  }

  statuses(userIds: number[]): Promise<PresenceStatus[]> {
    return Promise.resolve(userIds.map((userId) => this.statusOf(userId)));
  }

  syncRooms(userId: number, roomIds: number[], counted: number[]): Promise<number[]> {
    const wanted = this.users.has(userId) ? new Set(roomIds) : new Set<number>();
    for (const roomId of this.roomsOfUser.get(userId) ?? []) {
      if (!wanted.has(roomId)) this.uncount(userId, roomId);
    }
    for (const roomId of wanted) this.count(userId, roomId);
    return this.onlineCounts(counted);
  }

  onlineCounts(roomIds: number[]): Promise<number[]> {
    return Promise.resolve(roomIds.map((roomId) => this.rooms.get(roomId)?.size ?? 0));
  }

  /** One instance: its own throttle is the only one. */
  claimTyping(): Promise<boolean> {
    return Promise.resolve(true);
  }

  private statusOf(userId: number): PresenceStatus {
    return aggregateStatus(this.users.get(userId)?.values() ?? []);
  }

  private changeOf(userId: number, before: PresenceStatus): PresenceChange[] {
    const status = this.statusOf(userId);
    return status === before ? [] : [{ userId, status }];
  }

  private count(userId: number, roomId: number): void {
    add(this.rooms, roomId, userId);
    add(this.roomsOfUser, userId, roomId);
  }

  private uncount(userId: number, roomId: number): void {
    remove(this.rooms, roomId, userId);
    remove(this.roomsOfUser, userId, roomId);
  }
}

function add(sets: Map<number, Set<number>>, key: number, value: number): void {
  const set = sets.get(key);
  if (set) set.add(value);
  else sets.set(key, new Set([value]));
}

function remove(sets: Map<number, Set<number>>, key: number, value: number): void {
  const set = sets.get(key);
  if (set?.delete(value) && set.size === 0) sets.delete(key);
}
