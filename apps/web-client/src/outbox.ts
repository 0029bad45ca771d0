import { h } from './dom';

export interface Outgoing {
  clientId: string;
  roomId: number;
  text: string;
}

/**
 * Messages typed but not yet stored, by client_id. They are sent again after every reconnect: the
 * server stores a client_id once per author and room, so a resend never makes a second message.
 */
export class Outbox {
  private readonly items = new Map<string, Outgoing>();
  /** The pending messages of the room on screen. */
  readonly element = h('ol', { class: 'pending', 'aria-label': 'Sending' });
  private shownRoom = 0;

  add(roomId: number, text: string): Outgoing {
    const item = { clientId: crypto.randomUUID(), roomId, text };
    this.items.set(item.clientId, item);
    this.render();
    return item;
  }

  /** Stored (or refused for good): no longer pending. */
  settle(clientId: string): void {
    if (this.items.delete(clientId)) this.render();
  }

  all(): Outgoing[] {
    return [...this.items.values()];
  }

  show(roomId: number): void {
    this.shownRoom = roomId;
    this.render();
  }

  private render(): void {
    this.element.replaceChildren(
      ...this.all()
        .filter((item) => item.roomId === this.shownRoom)
        .map((item) => h('li', {}, item.text)),
    );
  }
}
