import type { PendingMessage } from '@chat/client';
import { h } from './dom';

/** The messages of the room on screen that are typed but not yet stored. */
export class PendingList {
  readonly element = h('ol', { class: 'pending', 'aria-label': 'Sending' });

  constructor(private readonly waiting: () => PendingMessage[]) {}

  render(): void {
    this.element.replaceChildren(...this.waiting().map((message) => h('li', {}, message.text)));
  }
}
