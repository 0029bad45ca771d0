import { ChatApiError } from '@chat/client';

/** The server searches a prefix (`mess*`) only from this many letters on. */
export const TYPE_AHEAD_MIN_LETTERS = 3;

/** A word of letters, marks and digits only: what the server takes as a prefix before `*`. */
const PLAIN_WORD = /^[\p{L}\p{M}\p{N}]+$/u;

/**
 * The query to send for what the user has typed so far: trimmed, with `*` after the last word
 * while it is being typed, so that "mess" finds "message". Only a plain word of 3 letters or more
 * gets it: not one after a space (finished), inside an open "phrase", a -word (a prefix there
 * would turn the exclusion into a match) or a word with punctuation. '' for nothing to search.
 */
export function typeAheadQuery(typed: string): string {
  const query = typed.trim();
  if (query === '' || /\s$/u.test(typed)) return query;
  const quotes = query.split('"').length - 1;
  if (quotes % 2 === 1) return query;
  const last = query.split(/\s+/u).at(-1) ?? '';
  const long = [...last].length >= TYPE_AHEAD_MIN_LETTERS;
  return PLAIN_WORD.test(last) && long ? `${query}*` : query;
}

/** What a failed search says to the user. */
export function searchErrorText(error: unknown): string {
  if (error instanceof ChatApiError && error.status === 429) {
    return 'Searching too fast, wait a moment';
  }
  return error instanceof Error ? error.message : String(error);
}

/** Whether a failed search may pass if sent again in a moment. */
export function isRateLimited(error: unknown): boolean {
  return error instanceof ChatApiError && error.status === 429;
}
