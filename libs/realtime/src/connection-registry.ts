import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ChatEvent, EventBus } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { ClientConnection, CLOSE_GOING_AWAY } from './client-connection';
import { encodeFrame } from './frames';

/** How many broadcast message ids are remembered (for resumes, and the catch-up after an outage). */
const RECENT_BROADCASTS = 4_096;

/** This instance's sockets: turns bus events into frames, serialised once for all of them. */
@Injectable()
export class ConnectionRegistry implements OnModuleDestroy {
  private readonly connections = new Set<ClientConnection>();
  private readonly perAddress = new Map<string, number>();
  /** While set, the ids of messages already sent here: repeats are dropped. */
  private sentMessageIds: Set<number> | null = null;
  /** The ids of the last RECENT_BROADCASTS messages broadcast, by broadcast count. */
  private readonly recentBroadcasts: number[] = [];
  private broadcasts = 0;
  private readonly unsubscribe: () => void;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    events: EventBus,
    private readonly metrics: ChatMetrics,
  ) {
    this.unsubscribe = events.subscribe((event) => this.dispatch(event));
  }

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

  /** Closes every socket with 1001 (going away). */
  closeAll(reason: string): void {
    for (const connection of this.connections) connection.socket.close(CLOSE_GOING_AWAY, reason);
  }

  onModuleDestroy(): void {
    clearInterval(this.heartbeat);
    this.unsubscribe();
  }

  /**
   * From now until stopTrackingSentMessages(), a message is sent to this instance's sockets at
   * most once, counting `alreadySent`. Used while a catch-up and live traffic may overlap.
   */
  trackSentMessages(alreadySent: Iterable<number>): void {
    this.sentMessageIds ??= new Set(alreadySent);
  }

  stopTrackingSentMessages(): void {
    this.sentMessageIds = null;
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

  /** Sends an event to this instance's sockets. */
  dispatch(event: ChatEvent): void {
    switch (event.type) {
      case 'message.created': {
        const { message, clientId } = event;
        if (this.sentMessageIds?.has(message.message_id)) return;
        this.sentMessageIds?.add(message.message_id);
        this.recentBroadcasts[this.broadcasts++ % RECENT_BROADCASTS] = message.message_id;
        const frame = encodeFrame(clientId ? { ...message, client_id: clientId } : message);
        return this.broadcast(event.type, frame, message.message_id);
      }
      case 'message.updated':
        return this.broadcast(
          event.type,
          encodeFrame({ event: 'update', message_id: event.messageId, new_message: event.text }),
        );
      case 'message.deleted':
        return this.broadcast(
          event.type,
          encodeFrame({ event: 'delete', message_id: event.messageId }),
        );
      case 'avatar.changed':
        return this.broadcast(
          event.type,
          encodeFrame({ event: 'avatar', user_id: event.userId, user_avatar: event.avatar }),
        );
      case 'user.updated':
        return this.broadcast(
          event.type,
          encodeFrame({
            event: 'user',
            user_id: event.userId,
            name: event.name,
            role: event.role,
            user_avatar: event.avatar,
          }),
        );
      case 'user.deleted':
        return;
      case 'sessions.revoked': {
        const revoked = new Set(event.sessionIds);
        for (const connection of this.connections) {
          if (connection.user && revoked.has(connection.user.sessionId)) {
            connection.refuse('Invalid token');
          }
        }
        return;
      }
    }
  }

  private broadcast(type: ChatEvent['type'], frame: Buffer, messageId?: number): void {
    const stop = this.metrics.broadcastDuration.startTimer();
    for (const connection of this.connections) connection.deliver(frame, messageId);
    stop();
    this.metrics.eventsBroadcast.inc({ type });
    this.metrics.framesSent.inc(this.connections.size);
  }
}
