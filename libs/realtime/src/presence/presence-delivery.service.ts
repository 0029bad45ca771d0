import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { AppConfig } from '@chat/config';
import { PresenceChangedEvent, TypingEvent } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { PresenceService, PresenceStatus } from '@chat/presence';
import { presenceCountFrame, presenceFrame, typingFrame } from '@chat/protocol';
import { ClientConnection } from '../connection/client-connection';
import { ConnectionRegistry } from '../connection-registry.service';
import { EventBroadcaster } from '../event-broadcaster.service';
import { encodeFrame } from '../frames/encode-frame';
import { PRESENCE_FLUSH_MS, PresenceCoalescer } from './presence-coalescer';

/**
 * A socket whose unsent data passes this share of its bound has fallen behind: it is sent no
 * presence or typing frames until it catches up (its messages are never dropped; it is cut off
 * only past the whole bound).
 */
const BEHIND_SHARE = 0.5;
/** At most this many statuses go to one socket in one flush; the rest go in the next ones. */
const MAX_STATUSES_PER_FLUSH = 500;

/**
 * Shows the bus's presence and typing events to this instance's v2 sockets. A user's status goes
 * to the sockets sharing one of the event's rooms with them (each socket once, never the user's
 * own), gathered per socket and sent every PRESENCE_FLUSH_MS with each user's status as the store
 * holds it then (so changes crossing on the bus between instances still end in the right one); a
 * large room's online count goes to its sockets at most once a second. Typing goes at once to the
 * room's sockets but the typer's. A socket that has fallen behind is sent none of them: the
 * statuses and counts it misses are held back and sent as they are then once it has caught up;
 * typing is dropped.
 */
@Injectable()
export class PresenceDelivery implements OnModuleDestroy {
  private readonly logger = new Logger('PresenceDelivery');
  private readonly coalescer = new PresenceCoalescer<ClientConnection>();
  private readonly behindBytes: number;
  private timer?: NodeJS.Timeout;
  private flushing = false;

  constructor(
    private readonly registry: ConnectionRegistry,
    private readonly presence: PresenceService,
    private readonly metrics: ChatMetrics,
    broadcaster: EventBroadcaster,
    config: AppConfig,
  ) {
    this.behindBytes = config.socket.maxBufferedBytes * BEHIND_SHARE;
    broadcaster.presenceEvent = (event) => this.deliver(event);
  }

  onModuleDestroy(): void {
    clearTimeout(this.timer);
  }

  deliver(event: PresenceChangedEvent | TypingEvent): void {
    this.metrics.eventsBroadcast.inc({ type: event.type });
    if (event.type === 'typing') return this.typing(event);
    for (const roomId of event.roomIds) {
      for (const connection of this.registry.socketsIn(roomId)) {
        if (connection.user?.id !== event.userId) {
          this.coalescer.status(connection, event.userId, event.status);
        }
      }
    }
    for (const { roomId, online } of event.counts) {
      if (this.registry.serves(roomId)) this.coalescer.count(roomId, online);
    }
    this.schedule();
  }

  private typing(event: TypingEvent): void {
    const sockets = this.registry.socketsIn(event.roomId);
    if (sockets.size === 0) return;
    const frame = encodeFrame(typingFrame(event.roomId, event.userId));
    let sent = 0;
    for (const connection of sockets) {
      if (connection.user?.id === event.userId) continue;
      if (this.isBehind(connection)) {
        this.metrics.framesDropped.inc({ type: 'typing' });
        continue;
      }
      connection.sendEncoded([frame], sockets.size);
      sent++;
    }
    this.metrics.framesSent.inc(sent);
  }

  private schedule(): void {
    if (this.timer || this.flushing || !this.coalescer.pending) return;
    this.timer = setTimeout(() => void this.flush(), PRESENCE_FLUSH_MS);
    this.timer.unref();
  }

  /** One flush at a time, so a slower read never sends an older status after a newer one. */
  private async flush(): Promise<void> {
    this.timer = undefined;
    this.flushing = true;
    try {
      const now = performance.now();
      await Promise.all([
        this.sendStatuses(this.coalescer.takeStatuses()),
        this.sendCounts(this.coalescer.takeCounts(now), this.coalescer.takeOwed(), now),
      ]);
    } catch (error) {
      this.logger.error('Presence not sent', (error as Error).stack);
    } finally {
      this.flushing = false;
      this.schedule();
    }
  }

  private async sendStatuses(gathered: Map<ClientConnection, Map<number, PresenceStatus>>) {
    const batches = new Map<ClientConnection, [number, PresenceStatus][]>();
    const userIds = new Set<number>();
    for (const [connection, users] of gathered) {
      if (!connection.isOpen) continue;
      if (this.isBehind(connection)) {
        this.coalescer.putBack(connection, users);
        continue;
      }
      const batch = [...users];
      this.coalescer.putBack(connection, batch.splice(MAX_STATUSES_PER_FLUSH));
      batches.set(connection, batch);
      for (const [userId] of batch) userIds.add(userId);
    }
    if (batches.size === 0) return;
    const current = await this.current([...userIds], (ids) => this.presence.statuses(ids));
    const frames = new Map<string, Buffer>();
    const frameOf = (userId: number, status: PresenceStatus) => {
      const key = `${userId}:${status}`;
      let frame = frames.get(key);
      if (!frame) frames.set(key, (frame = encodeFrame(presenceFrame(userId, status))));
      return frame;
    };
    let sent = 0;
    for (const [connection, batch] of batches) {
      if (!connection.isOpen) continue;
      connection.sendEncoded(
        batch.map(([userId, status]) => frameOf(userId, current?.get(userId) ?? status)),
        batches.size,
      );
      sent += batch.length;
    }
    this.metrics.framesSent.inc(sent);
  }

  /**
   * The counts due, to every socket of their rooms, and the counts owed to sockets that missed
   * them: each as the store holds it now. A socket behind is owed them instead.
   */
  private async sendCounts(
    due: Map<number, number>,
    owed: Map<ClientConnection, Set<number>>,
    now: number,
  ): Promise<void> {
    const owedNow = new Map<ClientConnection, number[]>();
    const roomIds = new Set(due.keys());
    for (const [connection, rooms] of owed) {
      const serving = [...rooms].filter((roomId) =>
        this.registry.socketsIn(roomId).has(connection),
      );
      if (!connection.isOpen || serving.length === 0) continue;
      if (this.isBehind(connection)) {
        this.coalescer.owe(connection, serving);
        continue;
      }
      owedNow.set(connection, serving);
      for (const roomId of serving) roomIds.add(roomId);
    }
    if (roomIds.size === 0) return;
    const current = await this.current([...roomIds], (ids) => this.presence.onlineCounts(ids));
    let sent = 0;
    const sentRooms = new Set<number>();
    for (const [roomId, gathered] of due) {
      const online = current?.get(roomId) ?? gathered;
      if (!this.coalescer.sendCount(roomId, online, now)) continue;
      sentRooms.add(roomId);
      const frame = encodeFrame(presenceCountFrame(roomId, online));
      const sockets = this.registry.socketsIn(roomId);
      for (const connection of sockets) {
        if (this.isBehind(connection)) {
          this.coalescer.owe(connection, [roomId]);
          continue;
        }
        connection.sendEncoded([frame], sockets.size);
        sent++;
      }
    }
    for (const [connection, rooms] of owedNow) {
      const frames: Buffer[] = [];
      for (const roomId of rooms) {
        if (sentRooms.has(roomId)) continue;
        const online = current?.get(roomId);
        if (online === undefined) this.coalescer.owe(connection, [roomId]);
        else frames.push(encodeFrame(presenceCountFrame(roomId, online)));
      }
      connection.sendEncoded(frames, owedNow.size);
      sent += frames.length;
    }
    this.metrics.framesSent.inc(sent);
  }

  /** What the store holds now for each id; undefined (the events' values stand) if unreadable. */
  private async current<T>(
    ids: number[],
    read: (ids: number[]) => Promise<T[]>,
  ): Promise<Map<number, T> | undefined> {
    try {
      const values = await read(ids);
      return new Map(ids.map((id, i) => [id, values[i]]));
    } catch (error) {
      this.logger.debug(`Presence sent as announced: ${(error as Error).message}`);
      return undefined;
    }
  }

  private isBehind(connection: ClientConnection): boolean {
    return connection.bufferedBytes > this.behindBytes;
  }
}
