import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ChatMetrics } from '@chat/metrics';
import { ClientConnection } from './connection/client-connection';

/** How many broadcast message ids are remembered (for resumes, and the catch-up after an outage). */
const RECENT_BROADCASTS = 4_096;

/** This instance's sockets: who is connected, from where, and what was broadcast to them. */
@Injectable()
export class ConnectionRegistry implements OnModuleDestroy {
  private readonly connections = new Set<ClientConnection>();
  private readonly perAddress = new Map<string, number>();
  /** The ids of the last RECENT_BROADCASTS messages broadcast, by broadcast count. */
  private readonly recentBroadcasts: number[] = [];
  private broadcasts = 0;
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
    this.connections.add(connection);
    this.perAddress.set(connection.address, this.openFrom(connection.address) + 1);
    this.metrics.connections.inc();
  }

  remove(connection: ClientConnection): void {
    if (!this.connections.delete(connection)) return;
    const left = this.openFrom(connection.address) - 1;
    if (left > 0) this.perAddress.set(connection.address, left);
    else this.perAddress.delete(connection.address);
    this.metrics.connections.dec();
    if (this.connections.size === 0) this.emptied?.();
  }

  /** Pings every socket each interval and drops those that did not answer the previous ping. */
  startHeartbeat(intervalMs: number): void {
    this.heartbeat = setInterval(() => {
      for (const connection of this.connections) {
        if (!connection.alive) {
          connection.socket.terminate();
          continue;
        }
        connection.alive = false;
        connection.socket.ping();
      }
    }, intervalMs);
    this.heartbeat.unref();
  }

  /**
   * Closes every socket with 1001 (going away), then waits until the clients have answered and the
   * sockets are gone, for at most `waitMs`: what is still open afterwards is destroyed with the
   * server, and its client would see 1006 instead.
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
  }

  /** Closes, every interval, the sockets whose token has expired. */
  startExpirySweep(intervalMs: number): void {
    this.expirySweep = setInterval(() => {
      const now = Date.now();
      for (const connection of this.connections) connection.closeIfExpired(now);
    }, intervalMs);
    this.expirySweep.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    clearInterval(this.expirySweep);
  }

  /** Sends one serialised frame to every socket here; a message's id is remembered for resumes. */
  broadcast(frame: Buffer, messageId?: number): void {
    if (messageId !== undefined) {
      this.recentBroadcasts[this.broadcasts++ % RECENT_BROADCASTS] = messageId;
    }
    for (const connection of this.connections) connection.deliver(frame, messageId);
  }

  /** The sockets signed in with one of `sessionIds`. */
  *signedInWith(sessionIds: ReadonlySet<string>): Iterable<ClientConnection> {
    for (const connection of this.connections) {
      if (connection.user && sessionIds.has(connection.user.sessionId)) yield connection;
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
