import type { RoomMessage, SearchHit, SnippetPart } from '@chat/client';
import { h } from './dom';

export interface SearchHitContext {
  /** The room's name as the room list shows it. */
  roomName(roomId: number): string;
  open(message: RoomMessage): void;
}

/**
 * One hit: the room, the author, when, and the snippet with the matches marked. Every text goes
 * in as text (see `h`), the snippet's too: its parts are the message's own words, never markup.
 */
export function renderHit(hit: SearchHit, context: SearchHitContext): HTMLLIElement {
  const { message } = hit;
  return h(
    'li',
    {},
    h(
      'button',
      {
        type: 'button',
        class: 'search-hit',
        'data-room-id': message.room_id,
        'data-message-id': message.message_id,
        onclick: () => context.open(message),
      },
      h(
        'span',
        { class: 'hit-meta' },
        h('span', { class: 'hit-room' }, context.roomName(message.room_id)),
        h('span', { class: 'hit-author' }, message.name),
        h('time', { datetime: message.created_at }, when(message.created_at)),
      ),
      h('span', { class: 'hit-snippet' }, ...snippetNodes(hit.snippet)),
    ),
  );
}

export function snippetNodes(parts: SnippetPart[]): (HTMLElement | string)[] {
  return parts.map((part) => (part.match ? h('mark', {}, part.text) : part.text));
}

/** A date and time in the reader's own words. */
function when(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}
