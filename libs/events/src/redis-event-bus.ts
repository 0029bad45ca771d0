import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ChatEvent, isMembershipEvent, isRoomEvent } from './chat-events';
import { EventBus } from './event-bus';
import { Envelope, parseEnvelope } from './event-envelope';

/** Reconnection waits double from this, up to the cap. */
const RETRY_FIRST_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 5_000;
/** Events published while Redis was away, kept to send once it is back (oldest dropped first). */
const MAX_UNSENT = 10_000;
const UNSENT_RETRY_MS = 1_000;
/** How long shutdown waits for Redis to answer QUIT before dropping the connection. */
const QUIT_TIMEOUT_MS = 1_000;

/** Counts what the subscriber receives, by kind of channel: a room's own, or the shared one. */
export interface BusReceipts {
  inc(labels: { channel: 'room' | 'shared' }): void;
}

/**
 * Several instances: each event is delivered locally at once and published on a Redis channel;
 * every other instance delivers what it receives there. A room's events go on the room's own
 * channel, which an instance subscribes to only while it serves a member of the room; membership
 * changes and the events that are no room's go on one channel every instance reads (typing, which
 * is a room's but takes no number, goes on the room's channel). Redis keeps the order of one
 * publisher's messages on one channel; across publishers and channels the rooms'
 * numbers put events back in order (see RoomSequencer).
 *
 * Redis being away never stops an instance: it starts without it, local delivery goes on, both
 * connections retry with a growing delay, and readiness reports the bus down meanwhile. What this
 * instance published meanwhile is sent, in order, once its publisher is back (up to MAX_UNSENT
 * events); what it missed of the others, RoomFanout reads from the database when its subscriber
 * is back.
 */
export class RedisEventBus extends EventBus implements OnModuleInit, OnApplicationShutdown {
  private readonly origin = randomUUID();
  /** How this instance's own envelopes start: Redis sends them back, and they are skipped unread. */
  private readonly ownPrefix = `{"origin":"${this.origin}",`;
  private readonly channel: string;
  private readonly roomChannelPrefix: string;
  /** How many watchRoom() calls each watched room has without an unwatchRoom(). */
  private readonly watchedRooms = new Map<number, number>();
  /** [channel, payload] of the events that could not be published, oldest first. */
  private unsent: [string, string][] = [];
  private unsentRetry?: NodeJS.Timeout;
  /** Whether the subscriber's subscriptions of its current connection are in place. */
  private subscribed = false;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  /** Last state reported by reportState(); undefined before the first. */
  private connected?: boolean;
  private stopping = false;

  constructor(
    url: string,
    prefix: string,
    private readonly receipts: BusReceipts,
  ) {
    super();
    this.channel = `${prefix}events`;
    this.roomChannelPrefix = `${prefix}room:`;
    const retryStrategy = (attempt: number) =>
      Math.min(RETRY_FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 16), RETRY_MAX_DELAY_MS);
    // Publishing while disconnected fails at once rather than piling up in memory.
    this.publisher = new Redis(url, {
      lazyConnect: true,
      retryStrategy,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    // The subscriber subscribes to every channel it needs each time it is ready (see
    // subscribeAll): a SUBSCRIBE sent while ioredis still runs its ready check loses the check's
    // answer and, with it, the subscriptions queued meanwhile.
    this.subscriber = new Redis(url, {
      lazyConnect: true,
      retryStrategy,
      maxRetriesPerRequest: null,
      autoResubscribe: false,
    });
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => this.logger.debug(`Redis: ${error.message}`));
      connection.on('close', () => this.reportState());
      connection.on('ready', () => this.reportState());
    }
    this.subscriber.on('close', () => (this.subscribed = false));
  }

  onModuleInit(): void {
    this.subscriber.on('message', (channel: string, payload: string) =>
      this.receive(channel, payload),
    );
    this.subscriber.on('ready', () => this.subscribeAll());
    this.publisher.on('ready', () => this.sendUnsent());
    for (const connection of [this.publisher, this.subscriber]) {
      connection.connect().catch(() => undefined); // retried by retryStrategy; see reportState
    }
  }

  async watchRoom(roomId: number): Promise<boolean> {
    const watchers = this.watchedRooms.get(roomId) ?? 0;
    this.watchedRooms.set(roomId, watchers + 1);
    // Not ready: subscribeAll() takes it with the others, and the bus then reports itself back.
    if (watchers > 0 || !this.subscribed) return false;
    return this.subscribeTo(this.roomChannel(roomId));
  }

  unwatchRoom(roomId: number): void {
    const watchers = this.watchedRooms.get(roomId);
    if (watchers === undefined) return;
    if (watchers > 1) return void this.watchedRooms.set(roomId, watchers - 1);
    this.watchedRooms.delete(roomId);
    if (this.subscriber.status === 'ready') {
      this.subscriber.unsubscribe(this.roomChannel(roomId)).catch(() => undefined);
    }
  }

  /**
   * The shared channel and every watched room's, on each (re)connection; the bus counts as
   * connected (and RoomFanout reads what it missed) only once they are in place.
   */
  private async subscribeAll(): Promise<void> {
    const channels = new Set([this.channel]);
    // Rooms watched while a SUBSCRIBE was on its way are taken by the next round.
    for (let round = 0; round < 10; round++) {
      const missing = [this.channel, ...this.watchedRoomChannels()].filter(
        (channel) => round === 0 || !channels.has(channel),
      );
      if (missing.length === 0) break;
      if (!(await this.subscribeTo(...missing))) return;
      for (const channel of missing) channels.add(channel);
    }
    this.subscribed = true;
    this.reportState();
  }

  private watchedRoomChannels(): string[] {
    return [...this.watchedRooms.keys()].map((roomId) => this.roomChannel(roomId));
  }

  /** Whether the subscription took hold. */
  private async subscribeTo(...channels: string[]): Promise<boolean> {
    try {
      await this.subscriber.subscribe(...channels);
      return true;
    } catch (error) {
      if (!this.stopping) {
        const reason = (error as Error).message;
        this.logger.error(`Redis: could not subscribe to ${channels.join(', ')}: ${reason}`);
      }
      return false;
    }
  }

  private roomChannel(roomId: number): string {
    return `${this.roomChannelPrefix}${roomId}`;
  }

  private channelOf(event: ChatEvent): string {
    if (event.type === 'typing') return this.roomChannel(event.roomId);
    return isRoomEvent(event) && !isMembershipEvent(event)
      ? this.roomChannel(event.roomId)
      : this.channel;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.unsentRetry);
    await Promise.allSettled([close(this.publisher), close(this.subscriber)]);
  }

  publish(event: ChatEvent): void {
    this.deliver(event);
    const envelope: Envelope = { origin: this.origin, event };
    this.send(this.channelOf(event), JSON.stringify(envelope));
  }

  /** Publishes now, or keeps the event for when the publisher is back. */
  private send(channel: string, payload: string): void {
    if (this.unsent.length > 0 || this.publisher.status !== 'ready') {
      return this.keepUnsent(channel, payload);
    }
    this.publisher.publish(channel, payload).catch((error: Error) => {
      this.logger.debug(`An event not yet sent to other instances: ${error.message}`);
      this.keepUnsent(channel, payload);
      // Refused while connected (no 'ready' will come to send it): try again shortly.
      this.unsentRetry ??= setTimeout(() => {
        this.unsentRetry = undefined;
        if (this.publisher.status === 'ready') this.sendUnsent();
      }, UNSENT_RETRY_MS);
      this.unsentRetry.unref();
    });
  }

  private keepUnsent(channel: string, payload: string): void {
    if (this.stopping) return;
    if (this.unsent.push([channel, payload]) > MAX_UNSENT) {
      this.unsent.shift();
      this.logger.warn(
        'Redis away too long: the oldest event kept for the other instances dropped',
      );
    }
  }

  /** Sends what was kept, in order, now that the publisher is back. */
  private sendUnsent(): void {
    const unsent = this.unsent;
    this.unsent = [];
    if (unsent.length > 0) {
      this.logger.log(`Sending ${unsent.length} events kept while Redis was away`);
    }
    for (const [channel, payload] of unsent) this.send(channel, payload);
  }

  /** Whether both connections are up and subscribed (readiness). */
  isConnected(): boolean {
    return (
      this.publisher.status === 'ready' && this.subscriber.status === 'ready' && this.subscribed
    );
  }

  /** Logs each change between "both connections up" and "not", once. */
  private reportState(): void {
    const connected = this.isConnected();
    if (this.stopping || connected === this.connected) return;
    const first = this.connected === undefined;
    this.connected = connected;
    if (connected) this.logger.log(first ? 'Connected to Redis' : 'Reconnected to Redis');
    else this.logger.warn('Redis unreachable: delivering locally only, retrying in the background');
    if (!(first && connected)) this.connectionChanged(connected);
  }

  /** Another instance's event, delivered only if it has every field its type requires. */
  private receive(channel: string, payload: string): void {
    this.receipts.inc({ channel: channel === this.channel ? 'shared' : 'room' });
    if (payload.startsWith(this.ownPrefix)) return;
    const envelope = parseEnvelope(payload);
    if (!envelope) {
      this.logger.warn(`Ignored a malformed event from Redis (${payload.length} characters)`);
      return;
    }
    if (envelope.origin !== this.origin) this.deliver(envelope.event);
  }
}

/**
 * Closes a connection without waiting on Redis for long: QUIT if it is up, for at most
 * QUIT_TIMEOUT_MS, and otherwise drops it at once (QUIT would wait in the offline queue for a
 * connection that may never come).
 */
async function close(connection: Redis): Promise<void> {
  if (connection.status === 'ready') {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, QUIT_TIMEOUT_MS)));
    await Promise.race([connection.quit().catch(() => undefined), bound]);
    clearTimeout(timer);
  }
  if (connection.status !== 'end') connection.disconnect();
}
