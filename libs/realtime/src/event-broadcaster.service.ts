import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { ChatEvent, EventBus } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { ConnectionRegistry } from './connection-registry.service';
import { encodeFrame } from './frames/encode-frame';
import { eventFrame } from './frames/event-frames';

/** Shows the bus's events to this instance's sockets, each as one frame serialised once. */
@Injectable()
export class EventBroadcaster implements OnModuleDestroy {
  /** While set, the ids of messages already sent here: repeats are dropped. */
  private sentMessageIds: Set<number> | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    events: EventBus,
    private readonly registry: ConnectionRegistry,
    private readonly metrics: ChatMetrics,
  ) {
    this.unsubscribe = events.subscribe((event) => this.dispatch(event));
  }

  onModuleDestroy(): void {
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

  /** Sends an event to this instance's sockets. */
  dispatch(event: ChatEvent): void {
    if (event.type === 'sessions.revoked') {
      for (const connection of this.registry.signedInWith(new Set(event.sessionIds))) {
        connection.refuse('Invalid token');
      }
      return;
    }
    let messageId: number | undefined;
    if (event.type === 'message.created') {
      messageId = event.message.message_id;
      if (this.sentMessageIds?.has(messageId)) return;
      this.sentMessageIds?.add(messageId);
    }
    const frame = eventFrame(event);
    if (frame === null) return;
    const data = encodeFrame(frame);
    const stop = this.metrics.broadcastDuration.startTimer();
    this.registry.broadcast(data, messageId);
    stop();
    this.metrics.eventsBroadcast.inc({ type: event.type });
    this.metrics.framesSent.inc(this.registry.size);
  }
}
