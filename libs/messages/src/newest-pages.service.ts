import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ChatEvent, EventBus } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import { MessageWriter } from './message-writer.service';
import { NewestPageCache } from './newest-page-cache';

/** What a newest page of the general room shows changes with these: its messages and authors. */
function changesGeneralPages(event: ChatEvent): boolean {
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
    case 'message.deleted':
      return event.roomId === GENERAL_ROOM_ID;
    case 'user.updated':
    case 'avatar.changed':
    case 'user.deleted':
      return true;
    default:
      return false;
  }
}

/**
 * The general room's newest pages (compat and v2, each limit), answered without the database
 * while nothing changed. Every instance hears the general room's events (its channel is watched
 * here too, so this holds without sockets) and every user change; pages are kept only while the
 * bus is connected, and all go when it goes away or comes back (what it missed meanwhile is
 * unknown). A change made in the database by hand, without its event, shows once the room's next
 * change or a user change is heard.
 */
@Injectable()
export class NewestPages implements OnModuleInit, OnModuleDestroy {
  private readonly cache = new NewestPageCache();
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly events: EventBus,
    private readonly metrics: ChatMetrics,
    private readonly writer: MessageWriter,
  ) {}

  onModuleInit(): void {
    void this.events.watchRoom(GENERAL_ROOM_ID);
    this.unsubscribes.push(
      this.events.subscribe((event) => {
        if (changesGeneralPages(event)) this.cache.changed();
      }),
      this.events.onConnectionChange(() => this.cache.changed()),
    );
  }

  onModuleDestroy(): void {
    for (const unsubscribe of this.unsubscribes) unsubscribe();
    this.events.unwatchRoom(GENERAL_ROOM_ID);
  }

  /**
   * The general room's page under `key`: kept, or read and kept if the bus was connected
   * throughout the read (a first connection is not announced, so it is checked at both ends) and
   * nothing that changes the page was heard meanwhile. While one of this instance's inserts is in
   * doubt, pages come from the database: it may have stored messages not yet announced.
   */
  async general(key: string, read: () => Promise<string>): Promise<string> {
    const hearing = this.trusted();
    const kept = hearing ? this.cache.get(key) : undefined;
    if (kept !== undefined) {
      this.metrics.historyCacheHits.inc();
      return kept;
    }
    const version = this.cache.version;
    const page = await read();
    if (hearing && this.trusted()) this.cache.store(key, version, page);
    return page;
  }

  private trusted(): boolean {
    return this.events.isConnected() && !this.writer.hasWritesInDoubt();
  }
}
