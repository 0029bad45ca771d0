import type { RoomMessage } from '@chat/client';
import { h } from './dom';
import { mentionParts } from './mention-text';

export interface MessageItemContext {
  myId(): number;
  myName(): string;
  canEdit(message: RoomMessage): boolean;
  canDelete(message: RoomMessage): boolean;
  /** Others' messages are reported to the moderators (asking why). */
  canReport(message: RoomMessage): boolean;
  reportMessage(message: RoomMessage): void;
  /** The author's name, offering what can be done with that user (see user-menu). */
  author(message: RoomMessage): HTMLElement;
  edit(message: RoomMessage, text: string): Promise<void>;
  remove(message: RoomMessage): Promise<void>;
  report(error: unknown): void;
}

/**
 * One message: own ones on the right; others with avatar, name and time. @names are styled, and
 * a message that mentions the viewer stands out.
 */
export function renderMessage(message: RoomMessage, context: MessageItemContext): HTMLLIElement {
  const own = message.user_id === context.myId();
  const mentionsMe = !own && message.mentions.includes(context.myId());
  const text = h(
    'p',
    { class: 'text' },
    ...mentionParts(message.message, context.myName()).map((part) =>
      part.mention
        ? h('span', { class: part.mention === 'mine' ? 'mention mine' : 'mention' }, part.text)
        : part.text,
    ),
  );
  const actions = h('div', { class: 'actions' });
  if (context.canEdit(message)) {
    actions.append(
      h('button', { type: 'button', onclick: () => startEdit(message, text, context) }, 'Edit'),
    );
  }
  if (context.canDelete(message)) {
    actions.append(
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () => void context.remove(message).catch(context.report),
        },
        'Delete',
      ),
    );
  }
  if (context.canReport(message)) {
    actions.append(
      h('button', { type: 'button', onclick: () => context.reportMessage(message) }, 'Report'),
    );
  }
  return h(
    'li',
    {
      class: own ? 'message own' : mentionsMe ? 'message mentions-me' : 'message',
      'data-id': message.message_id,
      'data-seq': message.seq,
    },
    own
      ? null
      : h('img', { class: 'avatar', src: message.user_avatar, alt: '', width: 36, height: 36 }),
    h(
      'div',
      { class: 'bubble' },
      own ? null : context.author(message),
      text,
      h(
        'span',
        { class: 'meta' },
        h('time', { datetime: message.created_at }, message.time_send),
        message.edited ? ' · edited' : null,
        mentionsMe ? ' · mentions you' : null,
      ),
      actions,
    ),
  );
}

function startEdit(message: RoomMessage, text: HTMLParagraphElement, context: MessageItemContext) {
  const input = h('input', {
    class: 'edit',
    'aria-label': 'Edit message',
    maxlength: 1000,
    value: message.message,
  });
  const form = h(
    'form',
    {
      class: 'edit-form',
      onsubmit: (event) => {
        event.preventDefault();
        // The `message.updated` event re-renders it for everyone, this page included.
        context.edit(message, input.value).catch((error) => {
          context.report(error);
          input.focus();
        });
      },
    },
    input,
    h('button', { type: 'submit' }, 'Save'),
    h('button', { type: 'button', onclick: () => form.replaceWith(text) }, 'Cancel'),
  );
  text.replaceWith(form);
  input.focus();
}
