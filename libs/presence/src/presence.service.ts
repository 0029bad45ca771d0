import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnModuleDestroy,
  OnModuleInit,
} from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { WorkLimit } from '@chat/database';
import { UnavailableError } from '@chat/errors';
import { ChatEvent, EventBus, PresenceChangedEvent } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { PresenceAnswer, RoomPresenceAnswer } from '@chat/protocol';
import { RoomAccess } from '@chat/rooms';
import { PresenceChange, PresenceStatus, SocketStatus } from './presence-status';
import { PresenceStore } from './presence-store';
import { RoomSizes } from './room-sizes';
import { UserRooms } from './user-rooms';

/** How long the shutdown waits for the last announcements. */
const SHUTDOWN_WAIT_MS = 3_000;
/** How many users' presence work runs at once (each reads the database). */
const CONCURRENT_USERS = 4;

/**
 * Presence: each socket's status goes to the store, which says when a user's status over all
 * their sockets on every instance changes; each change is published on the bus as
 * `presence.changed`, naming the user's rooms of up to PRESENCE_ROOM_LIMIT members (their members
 * are told the status) and the larger ones with their online counts.
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnModuleDestroy, BeforeApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private lastConnectionId = 0;
  /** This instance's sockets (connection id → user), and how many each user has here. */
  private readonly owners = new Map<string, number>();
  private readonly socketsHere = new Map<number, number>();
  private readonly sizes: RoomSizes;
  private readonly userRooms: UserRooms;
  private readonly roomLimit: number;
  /** Work on its way to the store and the bus. */
  private readonly announcing = new Set<Promise<void>>();
  /** Each user's presence work here, queued one piece after the other (see `serially`). */
  private readonly queued = new Map<number, Promise<void>>();
  private readonly workLimit = new WorkLimit(CONCURRENT_USERS);
  private unsubscribe?: () => void;

  constructor(
    private readonly store: PresenceStore,
    private readonly events: EventBus,
    private readonly rooms: RoomAccess,
    private readonly metrics: ChatMetrics,
    config: AppConfig,
  ) {
    this.roomLimit = config.presence.roomLimit;
    this.sizes = new RoomSizes((roomIds) => rooms.memberCounts(roomIds));
    this.userRooms = new UserRooms(async (userId) =>
      (await rooms.roomsOf(userId)).map((room) => room.room_id),
    );
    store.changed = (changes) => this.announce(changes);
  }

  onModuleInit(): void {
    this.unsubscribe = this.events.subscribe((event) => this.membershipChanged(event));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /**
   * This instance stops. The gateway (its module imports this one, so it goes first) has closed
   * the sockets; what the store still holds of this instance is taken out, and every change is
   * announced while the bus and the database are up: for at most SHUTDOWN_WAIT_MS, so a database
   * that hangs cannot hold the shutdown past a container's grace period.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.track(this.store.retire().then((changes) => this.announce(changes)));
    await within(this.allAnnounced(), SHUTDOWN_WAIT_MS);
  }

  /** A socket of `userId` signed in: it is online. Its connection id, for the calls below. */
  connect(userId: number): string {
    const connectionId = String(++this.lastConnectionId);
    this.owners.set(connectionId, userId);
    this.socketsHere.set(userId, (this.socketsHere.get(userId) ?? 0) + 1);
    this.track(this.store.put(connectionId, userId, 'online').then((c) => this.announce(c)));
    return connectionId;
  }

  /**
   * A socket of the user has just started reading their rooms (its sign-in): presence's next
   * announcements of the user use that read instead of one of their own.
   */
  roomsRead(userId: number, rooms: Promise<number[]>): void {
    void this.userRooms.keep(userId, rooms);
  }

  /** The socket's own status (its user's is the most active of theirs). */
  async setStatus(connectionId: string, status: SocketStatus): Promise<void> {
    const userId = this.owners.get(connectionId);
    if (userId === undefined) return;
    this.announce(await this.store.put(connectionId, userId, status));
  }

  /** The socket is gone. */
  disconnect(connectionId: string): void {
    const userId = this.owners.get(connectionId);
    if (userId === undefined) return;
    this.owners.delete(connectionId);
    const left = this.socketsHere.get(userId)! - 1;
    if (left > 0) this.socketsHere.set(userId, left);
    else this.socketsHere.delete(userId);
    this.track(this.store.remove(connectionId).then((changes) => this.announce(changes)));
  }

  /** Each user's status, in the order asked. */
  async ofUsers(userIds: number[]): Promise<PresenceAnswer> {
    const statuses = await this.read(() => this.store.statuses(userIds));
    return { presence: userIds.map((userId, i) => ({ user_id: userId, status: statuses[i] })) };
  }

  /** How many members of a room the caller is in are online or away. */
  async ofRoom(caller: AuthUser, roomId: number): Promise<RoomPresenceAnswer> {
    await this.rooms.member(caller, roomId);
    const [online] = await this.read(() => this.store.onlineCounts([roomId]));
    return { room_id: roomId, online };
  }

  /** The current status of each user, for frames about to be sent. */
  statuses(userIds: number[]): Promise<PresenceStatus[]> {
    return this.store.statuses(userIds);
  }

  /** The current online count of each room, for frames about to be sent. */
  onlineCounts(roomIds: number[]): Promise<number[]> {
    return this.store.onlineCounts(roomIds);
  }

  private async read<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      this.logger.warn(`Presence unreadable: ${(error as Error).message}`);
      throw new UnavailableError('Presence is unavailable');
    }
  }

  private track(work: Promise<void>): void {
    this.announcing.add(work);
    void work.finally(() => this.announcing.delete(work));
  }

  /** Until nothing is on its way, work queued meanwhile included. */
  private async allAnnounced(): Promise<void> {
    while (this.announcing.size > 0) await Promise.all(this.announcing);
  }

  private announce(changes: PresenceChange[]): void {
    for (const change of changes) {
      this.serially(change.userId, `Presence of user ${change.userId} not announced`, () =>
        this.publish(change),
      );
    }
  }

  /**
   * Runs a piece of a user's presence work once their work queued here before it is done: an
   * announcement reads the user's rooms, then counts them there, and a membership change handled
   * in between would be undone by the older read. The user's queue goes when it is empty. At most
   * CONCURRENT_USERS users' work runs at once.
   */
  private serially(userId: number, failure: string, work: () => Promise<void>): void {
    const queued = (this.queued.get(userId) ?? Promise.resolve())
      .then(() => this.workLimit.run(work))
      .catch((error: Error) => this.logger.warn(`${failure}: ${error.message}`));
    this.queued.set(userId, queued);
    this.track(queued);
    void queued.then(() => {
      if (this.queued.get(userId) === queued) this.queued.delete(userId);
    });
  }

  /** Tells the user's rooms, counting them in each (or in none once offline). */
  private async publish({ userId, status }: PresenceChange): Promise<void> {
    const roomIds = await this.userRooms.of(userId);
    const { small, large } = await this.bySize(roomIds);
    const online = await this.store.syncRooms(userId, roomIds, large);
    this.send({ userId, status, roomIds: small, counts: withCounts(large, online) });
  }

  /**
   * A member with a socket here joined or left a room: they are counted in their rooms as they are
   * now, and a room they joined is told their status (a large room its new count).
   */
  private membershipChanged(event: ChatEvent): void {
    if (event.type !== 'member.joined' && event.type !== 'member.left') return;
    const userId = event.type === 'member.joined' ? event.member.user_id : event.userId;
    this.userRooms.forget(userId);
    if (!this.socketsHere.has(userId)) return;
    this.serially(userId, `Presence of user ${userId} in room ${event.roomId}`, () =>
      this.roomChanged(userId, event.roomId),
    );
  }

  /** Read afresh, after the change: an event may be older than the membership it is about. */
  private async roomChanged(userId: number, roomId: number): Promise<void> {
    const roomIds = await this.userRooms.fresh(userId);
    const { large } = await this.bySize([roomId]);
    const online = await this.store.syncRooms(userId, roomIds, large);
    const [status] = await this.store.statuses([userId]);
    if (status === 'offline') return;
    if (large.length > 0) {
      this.send({ userId, status, roomIds: [], counts: withCounts(large, online) });
    } else if (roomIds.includes(roomId)) {
      this.send({ userId, status, roomIds: [roomId], counts: [] });
    }
  }

  private async bySize(roomIds: number[]): Promise<{ small: number[]; large: number[] }> {
    const sizes = await this.sizes.of(roomIds);
    const small: number[] = [];
    const large: number[] = [];
    for (const roomId of roomIds) {
      ((sizes.get(roomId) ?? 0) > this.roomLimit ? large : small).push(roomId);
    }
    return { small, large };
  }

  private send(change: Omit<PresenceChangedEvent, 'type'>): void {
    this.metrics.presenceChanges.inc();
    this.events.publish({ type: 'presence.changed', ...change });
  }
}

/** Waits for `work`, but not longer than `ms`. */
async function within(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([work, bound]);
  clearTimeout(timer);
}

function withCounts(roomIds: number[], online: number[]): PresenceChangedEvent['counts'] {
  return roomIds.map((roomId, i) => ({ roomId, online: online[i] }));
}
