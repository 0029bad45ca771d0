import { OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { ChatEvent } from './chat-events';
import { EventBus } from './event-bus';

interface Envelope {
  origin: string;
  event: ChatEvent;
}

/**
 * Several instances: each event is delivered locally at once and published on a Redis channel;
 * every other instance delivers what it receives there. Redis keeps the order of one publisher's
 * messages, so each instance sees another's events in the order that one published them. While
 * Redis is unreachable, local delivery goes on and other instances miss the events; their clients
 * catch up through `resume` or `/routers/since`.
 */
export class RedisEventBus extends EventBus implements OnModuleInit, OnApplicationShutdown {
  private readonly origin = randomUUID();
  private readonly channel: string;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;

  constructor(url: string, prefix: string) {
    super();
    this.channel = `${prefix}events`;
    const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 1 };
    this.publisher = new Redis(url, options);
    // The subscriber must queue its SUBSCRIBE until connected, and re-subscribes on reconnect.
    this.subscriber = new Redis(url, { lazyConnect: true });
    for (const connection of [this.publisher, this.subscriber]) {
      connection.on('error', (error: Error) => this.logger.warn(`Redis: ${error.message}`));
    }
  }

  async onModuleInit(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
    this.subscriber.on('message', (_channel: string, payload: string) => this.receive(payload));
    await this.subscriber.subscribe(this.channel);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  publish(event: ChatEvent): void {
    this.deliver(event);
    const envelope: Envelope = { origin: this.origin, event };
    this.publisher.publish(this.channel, JSON.stringify(envelope)).catch((error: Error) => {
      this.logger.warn(`${event.type} not sent to other instances: ${error.message}`);
    });
  }

  /** Whether both connections are up (readiness). */
  isConnected(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  private receive(payload: string): void {
    let envelope: Envelope;
    try {
      envelope = JSON.parse(payload) as Envelope;
    } catch {
      this.logger.warn('Ignored a malformed event from Redis');
      return;
    }
    if (envelope.origin !== this.origin) this.deliver(envelope.event);
  }
}
