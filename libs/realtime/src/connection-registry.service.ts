import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ChatMetrics } from '@chat/metrics';
import { ClientConnection } from './connection/client-connection';

/** How many broadcast message ids are remembered (for resumes, and the catch-up after an outage). */
const RECENT_BROADCASTS = 4_096;

/** How often a share of the sockets is pinged (see startHeartbeat). */
const HEARTBEAT_TICK_MS = 1_000;

/**
 * This instance's sockets: who is connected, from where, which rooms each v2 socket is in, and
 * what was broadcast to the compat sockets.
 */
@Injectable()
export class ConnectionRegistry implements OnModuleDestroy {
  private readonly connections = new Set<ClientConnection>();
  /** The compat sockets: the general room, in the v1 shapes. */
  private readonly compat = new Set<ClientConnection>();
  /** The v2 sockets of each room. */
  private readonly rooms = new Map<number, Set<ClientConnection>>();
  /** The signed-in v2 sockets of each user. */
  private readonly users = new Map<number, Set<ClientConnection>>();
  /** Told when the last socket of a room here leaves it (see RoomFanout). */
  roomEmptied: (roomId: number) => void = () => undefined;
  /** Told when a socket here signs in, of either protocol, and when it goes (see PresenceSockets). */
  socketSignedIn: (connection: ClientConnection) => void = () => undefined;
  socketGone: (connection: ClientConnection) => void = () => undefined;
  /** Told, by the expiry sweep, of a socket still not signed in at its deadline (see awaitAuth). */
  authOverdue: (connection: ClientConnection) => void = () => undefined;
  /**
   * The sockets that must sign in by a deadline (ms since the epoch), until they do or go: one
   * sweep checks them rather than a timer per socket, and a signed-in socket keeps no entry.
   */
  private readonly awaitingAuth = new Map<ClientConnection, number>();
  private readonly perAddress = new Map<string, number>();
  /** The ids of the last RECENT_BROADCASTS messages broadcast, by broadcast count. */
  private readonly recentBroadcasts: number[] = [];
  private broadcasts = 0;
  private added = 0;
  private heartbeat?: NodeJS.Timeout;
  private expirySweep?: NodeJS.Timeout;
  /** Set while closeAll waits for the last socket to go. */
  private emptied?: () => void;

  constructor(private readonly metrics: ChatMetrics) {}

  get size(): number {
    return this.connections.size;
  }

  /** How many sockets are open from `address`. */
  openFrom(address: string): number {
    return this.perAddress.get(address) ?? 0;
  }

  add(connection: ClientConnection): void {
    connection.broadcastsFrom = this.broadcasts;
    connection.serial = this.added++;
    this.connections.add(connection);
    if (!connection.streams) this.compat.add(connection);
    this.perAddress.set(connection.address, this.openFrom(connection.address) + 1);
    this.metrics.connections.inc();
  }

  remove(connection: ClientConnection): void {
    if (!this.connections.delete(connection)) return;
    this.awaitingAuth.delete(connection);
    this.socketGone(connection);
    this.compat.delete(connection);
    if (connection.streams) {
      for (const roomId of connection.streams.roomIds()) this.leaveRoom(connection, roomId);
      if (connection.user) removeFrom(this.users, connection.user.id, connection);
    }
    const left = this.openFrom(connection.address) - 1;
    if (left > 0) this.perAddress.set(connection.address, left);
    else this.perAddress.delete(connection.address);
    this.metrics.connections.dec();
    if (this.connections.size === 0) this.emptied?.();
  }

  /**
   * Pings every socket once each interval and drops those that did not answer the previous ping.
   * The sockets take turns, one share a second, so that thousands of them are not pinged (and
   * their pongs read) in one event-loop turn while every other socket's frames wait.
   */
  startHeartbeat(intervalMs: number): void {
    const turns = Math.max(1, Math.round(intervalMs / HEARTBEAT_TICK_MS));
    let turn = 0;
    this.heartbeat = setInterval(() => {
      turn = (turn + 1) % turns;
      for (const connection of this.connections) {
        if (connection.serial % turns !== turn) continue;
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }, intervalMs / turns);
    this.heartbeat.unref();
  }

  /**
   * Closes every socket with 1001 (going away), then waits until the clients have answered and the
   * sockets are gone, for at most `waitMs`. The sockets still open then (a client that stopped
   * reading never answers) are cut off and removed at once, so presence hears of them going while
   * the bus and the database are still up; their clients see 1006.
   */
  async closeAll(reason: string, waitMs: number): Promise<void> {
    for (const connection of this.connections) connection.goAway(reason);
    if (this.connections.size === 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, waitMs);
      this.emptied = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.emptied = undefined;
    for (const connection of [...this.connections]) {
      connection.socket.terminate();
      this.remove(connection);
    }
  }

  /**
   * The socket is to sign in within `withinMs`: the expiry sweep after that tells authOverdue,
   * unless the socket signed in or went meanwhile. On the monotonic clock, which a step of the
   * wall clock does not move.
   */
  awaitAuth(connection: ClientConnection, withinMs: number): void {
    if (!this.connections.has(connection)) return;
    this.awaitingAuth.set(connection, performance.now() + withinMs);
  }

  /**
   * Closes, every interval, the sockets whose token has expired, and tells authOverdue of those
   * past their sign-in deadline.
   */
  startExpirySweep(intervalMs: number): void {
    this.expirySweep = setInterval(() => {
      // Tokens expire at a wall-clock time; sign-in deadlines are monotonic (see awaitAuth).
      const now = Date.now();
      for (const connection of this.connections) connection.closeIfExpired(now);
      const monotonicNow = performance.now();
      for (const [connection, deadline] of this.awaitingAuth) {
        if (monotonicNow < deadline) continue;
        this.awaitingAuth.delete(connection);
        this.authOverdue(connection);
      }
    }, intervalMs);
    this.expirySweep.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.expirySweep);
  }

  /**
   * Sends one serialised v1 frame to every compat socket here; a message's id is remembered for
   * their resumes. The number of sockets it went to.
   */
  broadcast(frame: Buffer, messageId?: number): number {
    if (messageId !== undefined) {
      this.recentBroadcasts[this.broadcasts++ % RECENT_BROADCASTS] = messageId;
    }
    const fanOut = this.compat.size;
    for (const connection of this.compat) connection.deliver(frame, messageId, fanOut);
    return fanOut;
  }

  /** Sends one serialised v2 frame to every signed-in v2 socket here; how many. */
  broadcastV2(frame: Buffer): number {
    let sent = 0;
    for (const sockets of this.users.values()) {
      for (const connection of sockets) connection.sendEncoded([frame], this.connections.size);
      sent += sockets.size;
    }
    return sent;
  }

  /** Sends a room's change, serialised once, to the room's v2 sockets here; how many. */
  deliverToRoom(frame: Buffer, roomId: number, seq: number): number {
    const sockets = this.rooms.get(roomId);
    if (!sockets) return 0;
    for (const connection of sockets) connection.deliverToRoom(frame, roomId, seq, sockets.size);
    return sockets.size;
  }

  /** A socket here has signed in as its user. */
  signedIn(connection: ClientConnection): void {
    if (!connection.user || !this.connections.has(connection)) return;
    this.awaitingAuth.delete(connection);
    if (connection.streams) addTo(this.users, connection.user.id, connection);
    this.socketSignedIn(connection);
  }

  /** The signed-in v2 sockets of a user here. */
  socketsOf(userId: number): ReadonlySet<ClientConnection> {
    return this.users.get(userId) ?? NONE;
  }

  /** Puts a v2 socket in a room; true when it is the room's first socket here. */
  joinRoom(connection: ClientConnection, roomId: number): boolean {
    return addTo(this.rooms, roomId, connection);
  }

  /** The v2 sockets here in the room. */
  socketsIn(roomId: number): ReadonlySet<ClientConnection> {
    return this.rooms.get(roomId) ?? NONE;
  }

  /** Whether any v2 socket here is in the room. */
  serves(roomId: number): boolean {
    return this.rooms.has(roomId);
  }

  /** Takes a v2 socket out of a room (see roomEmptied). */
  leaveRoom(connection: ClientConnection, roomId: number): void {
    connection.streams?.close(roomId);
    if (removeFrom(this.rooms, roomId, connection)) this.roomEmptied(roomId);
  }

  /** The sockets signed in with one of `sessionIds`. */
  *signedInWith(sessionIds: ReadonlySet<string>): Iterable<ClientConnection> {
    for (const connection of this.connections) {
      if (connection.user && sessionIds.has(connection.user.sessionId)) yield connection;
    }
  }

  /** The sessions the signed-in sockets here use. */
  sessionIds(): string[] {
    const ids = new Set<string>();
    for (const connection of this.connections) {
      if (connection.user) ids.add(connection.user.sessionId);
    }
    return [...ids];
  }

  /** Every socket here signed in as the user, compat ones too: rare enough to look through all. */
  *signedInAs(userId: number): Iterable<ClientConnection> {
    for (const connection of this.connections) {
      if (connection.user?.id === userId) yield connection;
    }
  }

  /** The ids of the messages broadcast here most recently (up to RECENT_BROADCASTS). */
  recentMessageIds(): number[] {
    return [...this.recentBroadcasts];
  }

  /**
   * The messages after `afterId` broadcast to `connection` since it joined (a resume leaves them
   * out), or null when more were broadcast than are remembered.
   */
  messagesSentTo(connection: ClientConnection, afterId: number): Set<number> | null {
    if (this.broadcasts - connection.broadcastsFrom > RECENT_BROADCASTS) return null;
    const sent = new Set<number>();
    for (let count = connection.broadcastsFrom; count < this.broadcasts; count++) {
      const id = this.recentBroadcasts[count % RECENT_BROADCASTS];
      if (id > afterId) sent.add(id);
    }
    return sent;
  }
}

const NONE: ReadonlySet<ClientConnection> = new Set();

/** Adds to the set under `key`; true when the set was new. */
function addTo<K>(
  sets: Map<K, Set<ClientConnection>>,
  key: K,
  connection: ClientConnection,
): boolean {
  const set = sets.get(key);
  if (set) {
    set.add(connection);
    return false;
  }
  sets.set(key, new Set([connection]));
  return true;
}

/** Removes from the set under `key`; true when that emptied it (it is then dropped). */
function removeFrom<K>(
  sets: Map<K, Set<ClientConnection>>,
  key: K,
  connection: ClientConnection,
): boolean {
  const set = sets.get(key);
  if (!set?.delete(connection) || set.size > 0) return false;
  sets.delete(key);
  return true;
}
