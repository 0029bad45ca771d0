import { Injectable } from '@nestjs/common';
import { EventBus } from '@chat/events';
import { TYPING_THROTTLE_MS } from '@chat/protocol';
import { PresenceStore } from './presence-store';
import { TypingThrottle } from './typing-throttle';

/**
 * The server passes on one typing notice per user and room each this long: shorter than the
 * TYPING_THROTTLE_MS a client waits between them, so a notice that arrives a little early (the
 * network's jitter) is not dropped, which would leave a gap of two intervals, longer than
 * TYPING_SHOWN_MS, and the typing shown would blink off while the user types on.
 */
const TYPING_PASS_MS = TYPING_THROTTLE_MS - 500;

/**
 * Typing notices, never stored: at most one per user and room each TYPING_PASS_MS goes on the bus
 * (the room's channel), first through this instance's throttle (a map lookup; the rest stop
 * there), then through the store's claim, which holds over every instance.
 */
@Injectable()
export class TypingService {
  private readonly throttle = new TypingThrottle(TYPING_PASS_MS);

  constructor(
    private readonly store: PresenceStore,
    private readonly events: EventBus,
  ) {}

  /** A member of the room is typing there. */
  typed(userId: number, roomId: number): void {
    if (!this.throttle.pass(userId, roomId, performance.now())) return;
    void this.store.claimTyping(userId, roomId, TYPING_PASS_MS).then((claimed) => {
      if (claimed) this.events.publish({ type: 'typing', roomId, userId });
    });
  }
}
