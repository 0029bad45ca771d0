import { dialogStatus } from './dialog-status';
import { h } from './dom';

export interface NewRoom {
  name: string;
  kind: 'public' | 'private';
  topic: string;
}

/** "New room": a name, public or private, and an optional topic. */
export function newRoomDialog(create: (room: NewRoom) => Promise<void>): {
  dialog: HTMLDialogElement;
  open(): void;
} {
  const status = dialogStatus();
  const name = h('input', { id: 'new-room-name', maxlength: 64, required: true });
  const topic = h('input', { id: 'new-room-topic', maxlength: 256 });
  const kind = (value: string, label: string, checked = false) =>
    h(
      'label',
      { class: 'choice' },
      h('input', { type: 'radio', name: 'new-room-kind', value, checked }),
      label,
    );
  const form = h(
    'form',
    {
      onsubmit: (event) => {
        event.preventDefault();
        const chosen = form.querySelector<HTMLInputElement>('input[name=new-room-kind]:checked');
        const room: NewRoom = {
          name: name.value.trim(),
          kind: chosen?.value === 'private' ? 'private' : 'public',
          topic: topic.value.trim(),
        };
        void status
          .attempt(() => create(room))
          .then((created) => {
            if (created) dialog.close();
          });
      },
    },
    h('label', { for: 'new-room-name' }, 'Room name'),
    name,
    h('label', { for: 'new-room-topic' }, 'Topic (optional)'),
    topic,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Who can join'),
      kind('public', 'Public: anyone can find and join it', true),
      kind('private', 'Private: only people a member adds'),
    ),
    status.element,
    h(
      'div',
      { class: 'row' },
      h('button', { type: 'submit' }, 'Create room'),
      h('button', { type: 'button', class: 'secondary', onclick: () => dialog.close() }, 'Cancel'),
    ),
  );
  const dialog = h(
    'dialog',
    { class: 'card form-dialog', 'aria-labelledby': 'new-room-title' },
    h('h2', { id: 'new-room-title' }, 'New room'),
    form,
  );
  const open = () => {
    form.reset();
    status.report('');
    dialog.showModal();
    name.focus();
  };
  return { dialog, open };
}
