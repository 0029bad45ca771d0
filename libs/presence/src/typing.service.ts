import { Injectable } from '@nestjs/common';
import { EventBus } from '@chat/events';
import { TYPING_THROTTLE_MS } from '@chat/protocol';
import { PresenceStore } from './presence-store';
import { TypingThrottle } from './typing-throttle';

/**
 * Typing notices, never stored: at most one per user and room each TYPING_THROTTLE_MS goes on the
 * bus (the room's channel), first through this instance's throttle (a map lookup; the rest stop
 * there), then through the store's claim, which holds over every instance.
 */
@Injectable()
export class TypingService {
  private readonly throttle = new TypingThrottle(TYPING_THROTTLE_MS);

  constructor(
    private readonly store: PresenceStore,
    private readonly events: EventBus,
  ) {}

  /** A member of the room is typing there. */
  typed(userId: number, roomId: number): void {
    if (!this.throttle.pass(userId, roomId, Date.now())) return;
    void this.store.claimTyping(userId, roomId, TYPING_THROTTLE_MS).then((claimed) => {
      if (claimed) this.events.publish({ type: 'typing', roomId, userId });
    });
  }
}
