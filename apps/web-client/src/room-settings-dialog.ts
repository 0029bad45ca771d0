import type { RoomSummary } from '@chat/client';
import { dialogStatus } from './dialog-status';
import { h } from './dom';

export interface RoomSettingsContext {
  update(roomId: number, fields: { name?: string; topic?: string }): Promise<void>;
  archive(roomId: number): Promise<void>;
}

/** For owners: rename, set the topic, archive. */
export function roomSettingsDialog(context: RoomSettingsContext): {
  dialog: HTMLDialogElement;
  open(room: RoomSummary): void;
} {
  const status = dialogStatus();
  const name = h('input', { id: 'settings-name', maxlength: 64, required: true });
  const topic = h('input', { id: 'settings-topic', maxlength: 256 });
  let room: RoomSummary | undefined;

  const dialog = h(
    'dialog',
    { class: 'card form-dialog', 'aria-labelledby': 'settings-title' },
    h('h2', { id: 'settings-title' }, 'Room settings'),
    h(
      'form',
      {
        onsubmit: (event) => {
          event.preventDefault();
          if (!room) return;
          const id = room.id;
          const fields: { name?: string; topic?: string } = {};
          if (name.value.trim() !== room.name) fields.name = name.value.trim();
          if (topic.value.trim() !== room.topic) fields.topic = topic.value.trim();
          void status.attempt(() => context.update(id, fields), 'Saved');
        },
      },
      h('label', { for: 'settings-name' }, 'Room name'),
      name,
      h('label', { for: 'settings-topic' }, 'Topic'),
      topic,
      h('div', { class: 'row' }, h('button', { type: 'submit' }, 'Save changes')),
    ),
    status.element,
    h(
      'div',
      { class: 'row' },
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () => {
            if (!room || !confirm(`Archive ${room.name}? It becomes read-only for everyone.`)) {
              return;
            }
            const id = room.id;
            void status.attempt(() => context.archive(id)).then((ok) => ok && dialog.close());
          },
        },
        'Archive room',
      ),
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Done'),
    ),
  );
  const open = (current: RoomSummary) => {
    room = current;
    name.value = current.name ?? '';
    topic.value = current.topic;
    status.report('');
    dialog.showModal();
  };
  return { dialog, open };
}
