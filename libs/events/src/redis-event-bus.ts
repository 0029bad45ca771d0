import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ChatEvent, isMembershipEvent, isRoomEvent } from './chat-events';
import { EventBus } from './event-bus';
import { Envelope, parseEnvelope } from './event-envelope';

/** Reconnection waits double from this, up to the cap. */
const RETRY_FIRST_DELAY_MS = 100;
const RETRY_MAX_DELAY_MS = 5_000;
/** How long shutdown waits for Redis to answer QUIT before dropping the connection. */
const QUIT_TIMEOUT_MS = 1_000;

/**
 * Several instances: each event is delivered locally at once and published on a Redis channel;
 * every other instance delivers what it receives there. A room's events go on the room's own
 * channel, which an instance subscribes to only while it serves a member of the room; membership
 * changes and the events that are no room's go on one channel every instance reads. Redis keeps
 * the order of one publisher's messages on one channel; across publishers and channels the rooms'
 * numbers put events back in order (see RoomSequencer).
 *
 * Redis being away never stops an instance: it starts without it, local delivery goes on, both
 * connections retry with a growing delay, and readiness reports the bus down meanwhile. Other
 * instances miss the events of that time; their clients catch up through `resume` or
 * `/routers/since`.
 */
export class RedisEventBus extends EventBus implements OnModuleInit, OnApplicationShutdown {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly roomChannelPrefix: string;
  /** How many watchRoom() calls each watched room has without an unwatchRoom(). */
  private readonly watchedRooms = new Map<number, number>();
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  /** Last state reported by reportState(); undefined before the first. */
  private connected?: boolean;
  private stopping = false;

  constructor(url: string, prefix: string) {
    super();
    this.channel = `${prefix}events`;
    this.roomChannelPrefix = `${prefix}room:`;
    const retryStrategy = (attempt: number) =>
      Math.min(RETRY_FIRST_DELAY_MS * 2 ** Math.min(attempt - 1, 16), RETRY_MAX_DELAY_MS);
    const options = { lazyConnect: true, retryStrategy };
    // Publishing while disconnected fails at once rather than piling up in memory.
    this.publisher = new Redis(url, {
      ...options,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
    });
    // The subscriber keeps its SUBSCRIBE queued until connected, however long that takes, and
    // re-subscribes on every reconnect.
    this.subscriber = new Redis(url, { ...options, maxRetriesPerRequest: null });
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => this.logger.debug(`Redis: ${error.message}`));
      connection.on('close', () => this.reportState());
      connection.on('ready', () => this.reportState());
    }
  }

  onModuleInit(): void {
    this.subscriber.on('message', (_channel: string, payload: string) => this.receive(payload));
    for (const connection of [this.publisher, this.subscriber]) {
      connection.connect().catch(() => undefined); // retried by retryStrategy; see reportState
    }
    this.subscribeTo(this.channel);
  }

  watchRoom(roomId: number): void {
    const watchers = this.watchedRooms.get(roomId) ?? 0;
    this.watchedRooms.set(roomId, watchers + 1);
    if (watchers === 0) this.subscribeTo(this.roomChannel(roomId));
  }

  unwatchRoom(roomId: number): void {
    const watchers = this.watchedRooms.get(roomId);
    if (watchers === undefined) return;
    if (watchers > 1) return void this.watchedRooms.set(roomId, watchers - 1);
    this.watchedRooms.delete(roomId);
    this.subscriber.unsubscribe(this.roomChannel(roomId)).catch(() => undefined);
  }

  /** Queued until connected; ioredis subscribes again to every channel after a reconnect. */
  private subscribeTo(channel: string): void {
    this.subscriber.subscribe(channel).catch((error: Error) => {
      if (this.stopping) return; // dropped from the offline queue by shutdown
      this.logger.error(`Redis: could not subscribe to ${channel}: ${error.message}`);
    });
  }

  private roomChannel(roomId: number): string {
    return `${this.roomChannelPrefix}${roomId}`;
  }

  private channelOf(event: ChatEvent): string {
    return isRoomEvent(event) && !isMembershipEvent(event)
      ? this.roomChannel(event.roomId)
      : this.channel;
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([close(this.publisher), close(this.subscriber)]);
  }

  publish(event: ChatEvent): void {
    this.deliver(event);
    const envelope: Envelope = { origin: this.origin, event };
    this.publisher
      .publish(this.channelOf(event), JSON.stringify(envelope))
      .catch((error: Error) => {
        this.logger.debug(`${event.type} not sent to other instances: ${error.message}`);
      });
  }

  /** Whether both connections are up (readiness). */
  isConnected(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
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
  private receive(payload: string): void {
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
