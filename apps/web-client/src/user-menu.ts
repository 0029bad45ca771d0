import { h } from './dom';

/** Something to do with a user: "Message", or a moderator's "Ban…". */
export interface UserAction {
  label: string;
  run(): void | Promise<void>;
  danger?: boolean;
}

/**
 * A user's name as a button that offers what can be done with that user (a direct conversation,
 * moderation). A name with nothing to offer (oneself) is plain text.
 */
export function userName(name: string, className: string, actions: UserAction[]): HTMLElement {
  if (actions.length === 0) return h('span', { class: className }, name);
  const close = () => {
    offer.hidden = true;
    button.setAttribute('aria-expanded', 'false');
  };
  const offer = h(
    'div',
    { class: 'user-menu', hidden: true },
    ...actions.map((action) =>
      h(
        'button',
        {
          type: 'button',
          class: action.danger ? 'danger' : undefined,
          onclick: () => {
            close();
            void action.run();
          },
        },
        action.label,
      ),
    ),
  );
  const button = h(
    'button',
    {
      type: 'button',
      class: `${className} link`,
      'aria-expanded': 'false',
      onclick: () => {
        offer.hidden = !offer.hidden;
        button.setAttribute('aria-expanded', String(!offer.hidden));
      },
    },
    name,
  );
  return h('span', { class: 'user' }, button, offer);
}
