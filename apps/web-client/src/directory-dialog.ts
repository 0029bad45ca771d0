import type { DirectoryPage, DirectoryRoom } from '@chat/client';
import { dialogStatus } from './dialog-status';
import { h } from './dom';

export interface DirectoryContext {
  search(q: string, cursor?: string): Promise<DirectoryPage>;
  /** Whether the viewer is in the room now (the page may be older than a join). */
  isMember(roomId: number): boolean;
  join(room: DirectoryRoom): Promise<void>;
  open(roomId: number): void;
}

/** The directory of public rooms: a search box, and Join (or Open) on each room found. */
export function directoryDialog(context: DirectoryContext): {
  dialog: HTMLDialogElement;
  open(): void;
} {
  const status = dialogStatus();
  const query = h('input', { id: 'directory-q', type: 'search', maxlength: 64 });
  const results = h('ul', { class: 'directory', 'aria-label': 'Public rooms' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'More rooms');
  let cursor: string | null = null;
  let searched = '';

  const item = (room: DirectoryRoom) => {
    const joined = room.joined || context.isMember(room.id);
    return h(
      'li',
      { 'data-room-id': room.id },
      h('span', { class: 'room-name' }, room.name ?? ''),
      h('span', { class: 'meta' }, ` ${room.member_count} members`),
      room.topic ? h('p', { class: 'topic' }, room.topic) : null,
      joined
        ? h(
            'button',
            { type: 'button', class: 'secondary', onclick: () => openRoom(room.id) },
            'Open',
          )
        : h(
            'button',
            {
              type: 'button',
              onclick: () =>
                void status.attempt(() => context.join(room)).then((ok) => ok && dialog.close()),
            },
            'Join',
          ),
    );
  };
  const openRoom = (roomId: number) => {
    dialog.close();
    context.open(roomId);
  };
  const load = async (fresh: boolean) => {
    if (fresh) {
      searched = query.value.trim();
      cursor = null;
    }
    const loaded = await status.attempt(async () => {
      const page = await context.search(searched, cursor ?? undefined);
      if (fresh) results.replaceChildren();
      results.append(...page.rooms.map(item));
      cursor = page.next_cursor;
      more.hidden = !cursor;
    });
    if (loaded && results.childElementCount === 0) status.report('No public room matches');
  };
  more.addEventListener('click', () => void load(false));

  const dialog = h(
    'dialog',
    { class: 'card form-dialog', 'aria-labelledby': 'directory-title' },
    h('h2', { id: 'directory-title' }, 'Public rooms'),
    h(
      'form',
      {
        role: 'search',
        onsubmit: (event) => {
          event.preventDefault();
          void load(true);
        },
      },
      h('label', { for: 'directory-q' }, 'Search public rooms'),
      h('div', { class: 'row' }, query, h('button', { type: 'submit' }, 'Search')),
    ),
    results,
    more,
    status.element,
    h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Done'),
  );
  const open = () => {
    query.value = '';
    dialog.showModal();
    query.focus();
    void load(true);
  };
  return { dialog, open };
}
