import { h } from './dom';

/**
 * A user's name as a button that offers "Message": a direct conversation with them. `message`
 * is left out where a DM makes no sense (oneself).
 */
export function userName(
  name: string,
  className: string,
  message?: () => Promise<void>,
): HTMLElement {
  if (!message) return h('span', { class: className }, name);
  const offer = h(
    'div',
    { class: 'user-menu', hidden: true },
    h(
      'button',
      {
        type: 'button',
        onclick: () => {
          offer.hidden = true;
          button.setAttribute('aria-expanded', 'false');
          void message();
        },
      },
      'Message',
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
