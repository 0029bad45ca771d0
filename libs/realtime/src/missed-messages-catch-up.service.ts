import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { EventBus } from '@chat/events';
import { MessagesService } from '@chat/messages';
import { ConnectionRegistry } from './connection-registry.service';
import { EventBroadcaster } from './event-broadcaster.service';

const PAGE = 500;
/** Past this many messages the catch-up stops; clients still have `resume` and `since`. */
const MAX_CAUGHT_UP = 10_000;
/** After a catch-up, live copies of what it sent may still be on their way for this long. */
const OVERLAP_MS = 5_000;

/**
 * While the link between instances is down, this instance's clients miss other instances'
 * messages. When it comes back, the stored messages from just before the outage on are sent to
 * this instance's sockets, each at most once (the broadcaster drops repeats meanwhile); they arrive
 * after newer neighbours, and clients order by message_id. Edits and deletions of that time are
 * not replayed.
 */
@Injectable()
export class MissedMessagesCatchUp implements OnModuleDestroy {
  private readonly logger = new Logger('MissedMessagesCatchUp');
  private startAfter?: Promise<number>;
  private overlapTimer?: NodeJS.Timeout;
  private readonly unsubscribe: () => void;

  constructor(
    events: EventBus,
    private readonly messages: MessagesService,
    private readonly registry: ConnectionRegistry,
    private readonly broadcaster: EventBroadcaster,
  ) {
    this.unsubscribe = events.onConnectionChange((connected) => {
      if (connected) void this.catchUp();
      else this.outageBegan();
    });
  }

  onModuleDestroy(): void {
    clearTimeout(this.overlapTimer);
    this.unsubscribe();
  }

  private outageBegan(): void {
    clearTimeout(this.overlapTimer);
    const recent = this.registry.recentMessageIds();
    this.broadcaster.trackSentMessages(recent);
    if (this.startAfter) return;
    // Messages published just before the outage may not have arrived: start below the recent ones.
    this.startAfter =
      recent.length > 0 ? Promise.resolve(Math.min(...recent) - 1) : this.messages.latestId();
    this.startAfter.catch(() => undefined); // reported by catchUp(), which awaits it
  }

  private async catchUp(): Promise<void> {
    const startAfter = this.startAfter;
    if (!startAfter) return;
    this.startAfter = undefined;
    let read = 0;
    try {
      for await (const page of this.messages.pagesSince(await startAfter, PAGE)) {
        for (const message of page) this.broadcaster.dispatch({ type: 'message.created', message });
        read += page.length;
        if (read >= MAX_CAUGHT_UP) break;
      }
      this.logger.log(`Caught up on ${read} messages from the time the instances were apart`);
    } catch (error) {
      this.logger.warn(`Catch-up after the outage failed: ${(error as Error).message}`);
    } finally {
      this.overlapTimer = setTimeout(() => this.broadcaster.stopTrackingSentMessages(), OVERLAP_MS);
    }
  }
}
