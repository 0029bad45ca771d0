import type { PendingMessage } from '@chat/client';
import { h } from './dom';

/**
 * The messages of the room on screen that are typed but not yet stored, each with why the server
 * held it back for now (a rate limit, say) until it goes through.
 */
export class PendingList {
  readonly element = h('ol', { class: 'pending', 'aria-label': 'Sending' });

  constructor(private readonly waiting: () => PendingMessage[]) {}

  render(): void {
    this.element.replaceChildren(
      ...this.waiting().map(({ text, lastError }) =>
        h('li', {}, text, lastError && h('span', { class: 'held-back' }, ` — ${lastError}`)),
      ),
    );
  }
}
