import { UNREAD_LIMIT } from '@chat/client';
import { h } from './dom';
import { roomHref } from './router';
import { RoomEntry, RoomsStore } from './rooms-store';

export interface RoomListContext {
  store: RoomsStore;
  current(): number;
  /** The room's unread messages and mentions of the viewer, as the SDK counts them. */
  counts(roomId: number): { unread: number; mentions: number };
  /** A user's presence dot. */
  dot(userId: number): HTMLElement;
  newRoom(): void;
  findRooms(): void;
}

/** A count as shown: the server stops counting at UNREAD_LIMIT, shown as "99+". */
export function countLabel(count: number): string {
  return count >= UNREAD_LIMIT ? `${UNREAD_LIMIT - 1}+` : String(count);
}

/**
 * The sidebar: the viewer's rooms (general first) and direct messages (with the other member's
 * presence), each with its unread and mention counts.
 */
export function roomList(context: RoomListContext): { element: HTMLElement; render(): void } {
  const rooms = h('ul', { class: 'room-links', 'aria-label': 'Your rooms' });
  const directs = h('ul', { class: 'room-links', 'aria-label': 'Direct messages' });
  const link = (entry: RoomEntry) => {
    const current = entry.room.id === context.current();
    const { unread, mentions } = context.counts(entry.room.id);
    return h(
      'li',
      {},
      h(
        'a',
        {
          href: roomHref(entry.room.id),
          'aria-current': current ? 'page' : undefined,
          'data-room-id': entry.room.id,
        },
        entry.peer ? context.dot(entry.peer.user_id) : null,
        h('span', { class: 'room-name' }, context.store.title(entry)),
        entry.room.archived ? h('span', { class: 'tag' }, ' (archived)') : null,
        entry.room.kind === 'private' ? h('span', { class: 'tag' }, ' (private)') : null,
        unread > 0
          ? h('span', { class: 'unread', 'data-unread': unread }, ` ${countLabel(unread)} unread`)
          : null,
        mentions > 0
          ? h(
              'span',
              { class: 'mentions', 'data-mentions': mentions },
              ` ${countLabel(mentions)} ${mentions === 1 ? 'mention' : 'mentions'}`,
            )
          : null,
      ),
    );
  };
  const render = () => {
    const entries = context.store.list();
    rooms.replaceChildren(...entries.filter((e) => e.room.kind !== 'direct').map(link));
    directs.replaceChildren(...entries.filter((e) => e.room.kind === 'direct').map(link));
  };
  const element = h(
    'nav',
    { class: 'sidebar', 'aria-label': 'Rooms' },
    h('h2', {}, 'Rooms'),
    rooms,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'button', class: 'secondary', onclick: context.newRoom }, 'New room'),
      h('button', { type: 'button', class: 'secondary', onclick: context.findRooms }, 'Find rooms'),
    ),
    h('h2', {}, 'Direct messages'),
    directs,
  );
  render();
  return { element, render };
}
