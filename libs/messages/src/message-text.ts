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

export function isClientId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= CLIENT_ID_MAX_CHARACTERS;
}
