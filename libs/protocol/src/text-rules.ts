export const MESSAGE_MAX_CHARACTERS = 1000;
export const CLIENT_ID_MAX_CHARACTERS = 64;

/** NUL, which PostgreSQL text cannot hold, or half of a surrogate pair, which is no character. */
const UNSTORABLE = /[\0\p{Cs}]/u;

/**
 * The text as stored: trimmed, 1 to 1000 characters; null when it breaks the rules. Any character
 * is kept except NUL and unpaired surrogates.
 */
export function normalizeMessageText(value: unknown): string | null {
  if (typeof value !== 'string' || UNSTORABLE.test(value)) return null;
  const text = value.trim();
  const length = [...text].length;
  return length >= 1 && length <= MESSAGE_MAX_CHARACTERS ? text : null;
}

/** Control characters (NUL among them) and unpaired surrogates have no place in a key. */
const CLIENT_ID = /^[^\p{Cc}\p{Cs}]+$/u;

/** A client's idempotency key: 1 to 64 UTF-16 units, none of them a control character or half a pair. */
export function isClientId(value: unknown): value is string {
  return (
    typeof value === 'string' && value.length <= CLIENT_ID_MAX_CHARACTERS && CLIENT_ID.test(value)
  );
}

/**
 * The ISO 8601 times the API takes: a calendar date, alone or with a time. Ordinal and week dates
 * (2024-010, 2024-W02) are ISO 8601 too, but JavaScript's Date misreads them.
 */
export const CALENDAR_TIME = /^\d{4}-\d{2}-\d{2}(?:T|$)/;
