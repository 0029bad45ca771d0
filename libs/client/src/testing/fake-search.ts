import type { SearchAnswer, SearchHit, SnippetPart } from '@chat/protocol';
import type { FakeChatServer } from './fake-chat-server';

const PAGE_DEFAULT = 20;
const PAGE_MAX = 50;
const QUERY_MAX = 1000;

type Answer = { status: number; body: unknown };

/**
 * GET /api/v1/search as the fake server answers it: the messages of the rooms the user is in
 * holding every word of `q` (case-insensitive, no stems, phrases nor prefixes), newest first, the
 * cursor the message id to go on below. Refuses a missing or too long `q` and a bad `limit` or
 * `cursor` with 422, as the real server does.
 */
export function fakeSearch(server: FakeChatServer, userId: number, url: URL): Answer {
  const q = url.searchParams.get('q') ?? '';
  const limit = Number(url.searchParams.get('limit') ?? PAGE_DEFAULT);
  const cursor = url.searchParams.get('cursor');
  const roomId = url.searchParams.get('room_id');
  if (q.length < 1 || q.length > QUERY_MAX) return invalid('q', 'q must be 1 to 1000 characters');
  if (!Number.isInteger(limit) || limit < 1 || limit > PAGE_MAX) {
    return invalid('limit', 'limit must be 1 to 50');
  }
  if (cursor !== null && !/^\d+$/.test(cursor)) {
    return invalid('cursor', 'cursor is not one a search page gave');
  }
  const words = q.toLowerCase().split(/\s+/).filter(Boolean);
  const rooms = server
    .roomsOf(userId)
    .map((room) => room.roomId)
    .filter((id) => roomId === null || id === Number(roomId));
  const found = rooms
    .flatMap((id) => server.stored(id))
    .filter((message) => cursor === null || message.message_id < Number(cursor))
    .filter((message) => words.every((word) => message.message.toLowerCase().includes(word)))
    .sort((a, b) => b.message_id - a.message_id);
  const page = found.slice(0, limit);
  const answer: SearchAnswer = {
    results: page.map((message): SearchHit => ({
      message,
      rank: 0.1,
      snippet: marked(message.message, words),
    })),
    next_cursor: found.length > limit ? String(page[page.length - 1].message_id) : null,
  };
  return { status: 200, body: answer };
}

/** The text cut where each word occurs. */
function marked(text: string, words: string[]): SnippetPart[] {
  const pattern = new RegExp(`(${words.map(escape).join('|')})`, 'gi');
  return text
    .split(pattern)
    .filter((part) => part !== '')
    .map((part) => ({ text: part, match: words.includes(part.toLowerCase()) }));
}

function escape(word: string): string {
  return word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function invalid(field: string, message: string): Answer {
  return { status: 422, body: { detail: [{ field, message }] } };
}
