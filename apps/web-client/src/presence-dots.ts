import type { ChatClient, PresenceStatus } from '@chat/client';
import { h } from './dom';

const LABELS: Record<PresenceStatus, string> = {
  online: 'online',
  away: 'away',
  offline: 'offline',
};

/**
 * The dots that show who is online next to people's names. Each user shown is watched once
 * (their status loaded over HTTP, then kept by `presence` frames); a change repaints every dot of
 * that user on the page, and a view put back on the page repaints its own.
 */
export class PresenceDots {
  private readonly wanted = new Set<number>();
  private flush?: Promise<void>;

  constructor(private readonly client: Pick<ChatClient, 'store' | 'watchPresence'>) {
    client.store.subscribePresence((userId) => {
      for (const dot of document.querySelectorAll<HTMLElement>(
        `.presence[data-user-id="${userId}"]`,
      )) {
        this.paint(dot);
      }
    });
  }

  /** A dot for the user, painted with their status as known (none until it is). */
  dot(userId: number): HTMLElement {
    const dot = h('span', {
      class: 'presence',
      'data-user-id': userId,
      role: 'img',
      'aria-hidden': 'true',
    });
    this.paint(dot);
    this.watch(userId);
    return dot;
  }

  /** Repaints the dots inside `root`, which was off the page while statuses changed. */
  refresh(root: ParentNode): void {
    root.querySelectorAll<HTMLElement>('.presence').forEach((dot) => this.paint(dot));
  }

  private paint(dot: HTMLElement): void {
    const status = this.client.store.presence(Number(dot.dataset.userId));
    if (status) {
      dot.removeAttribute('aria-hidden');
      dot.dataset.status = status;
      dot.setAttribute('aria-label', LABELS[status]);
      dot.title = LABELS[status];
    }
  }

  /** The users asked for in one turn go in one request. */
  private watch(userId: number): void {
    this.wanted.add(userId);
    this.flush ??= Promise.resolve().then(() => {
      const ids = [...this.wanted];
      this.wanted.clear();
      this.flush = undefined;
      return this.client.watchPresence(ids).catch((error: unknown) => console.warn(error));
    });
  }
}
