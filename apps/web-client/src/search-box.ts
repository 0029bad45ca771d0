import type { RoomMessage, SearchAnswer, SearchQuery } from '@chat/client';
import { h } from './dom';
import { renderHit } from './search-results';
import { SearchSession } from './search-session';

export interface SearchBoxContext {
  search(query: SearchQuery): Promise<SearchAnswer>;
  roomName(roomId: number): string;
  /** Shows the room of a hit at that message. */
  open(message: RoomMessage): void;
}

/**
 * The message search in the header: results as the user types, under the box; "More results"
 * for the next page; a hit opens its room at the message. Escape closes the results (Chromium
 * empties a search box on Escape too); a click in the box shows them again.
 */
export function searchBox(context: SearchBoxContext): { element: HTMLElement; stop(): void } {
  const input = h('input', {
    id: 'search-q',
    type: 'search',
    placeholder: 'Search messages',
    'aria-label': 'Search messages',
    'aria-controls': 'search-results',
    autocomplete: 'off',
    maxlength: 1000,
  });
  const list = h('ul', { class: 'search-hits', 'aria-label': 'Messages found' });
  const status = h('p', { class: 'search-status', role: 'status' });
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'More results');
  const panel = h(
    'section',
    { id: 'search-results', class: 'search-panel', 'aria-label': 'Search results', hidden: true },
    status,
    list,
    more,
  );
  const hitContext = {
    roomName: context.roomName,
    open: (message: RoomMessage) => {
      panel.hidden = true;
      context.open(message);
    },
  };
  const session = new SearchSession({
    search: context.search,
    shown: (answer, next) => {
      const items = answer.results.map((hit) => renderHit(hit, hitContext));
      if (next) list.append(...items);
      else list.replaceChildren(...items);
      more.hidden = !session.hasMore;
    },
    cleared: () => {
      list.replaceChildren();
      more.hidden = true;
    },
    status: (text, failed) => {
      status.textContent = text;
      status.classList.toggle('error', failed);
    },
  });
  more.addEventListener('click', () => void session.more());
  input.addEventListener('input', () => {
    panel.hidden = input.value.trim() === '';
    session.input(input.value);
  });
  input.addEventListener('click', () => (panel.hidden = input.value.trim() === ''));
  const element = h(
    'div',
    {
      class: 'search',
      role: 'search',
      onkeydown: (event) => {
        if ((event as KeyboardEvent).key !== 'Escape') return;
        panel.hidden = true;
        input.focus();
      },
      onfocusout: (event) => {
        const next = (event as FocusEvent).relatedTarget as Node | null;
        // Focus moved to something else on the page; a click on nothing focusable keeps it open.
        if (next && !element.contains(next)) panel.hidden = true;
      },
    },
    input,
    panel,
  );
  return { element, stop: () => session.stop() };
}
