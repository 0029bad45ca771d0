import { h } from './dom';
import { roomHref } from './router';
import { RoomEntry, RoomsStore } from './rooms-store';

export interface RoomListContext {
  store: RoomsStore;
  current(): number;
  newRoom(): void;
  findRooms(): void;
}

/** The sidebar: the viewer's rooms (general first) and direct messages, each with its unread count. */
export function roomList(context: RoomListContext): { element: HTMLElement; render(): void } {
  const rooms = h('ul', { class: 'room-links', 'aria-label': 'Your rooms' });
  const directs = h('ul', { class: 'room-links', 'aria-label': 'Direct messages' });
  const link = (entry: RoomEntry) => {
    const current = entry.room.id === context.current();
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
        h('span', { class: 'room-name' }, context.store.title(entry)),
        entry.room.archived ? h('span', { class: 'tag' }, ' (archived)') : null,
        entry.room.kind === 'private' ? h('span', { class: 'tag' }, ' (private)') : null,
        entry.unread > 0
          ? h('span', { class: 'unread', 'data-unread': entry.unread }, ` ${entry.unread} unread`)
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
