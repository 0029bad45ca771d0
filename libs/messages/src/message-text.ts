export const MESSAGE_MAX_CHARACTERS = 1000;
export const CLIENT_ID_MAX_CHARACTERS = 64;

/**
 * The text as stored: trimmed, 1 to 1000 characters; null when it breaks the rules. Any character
 * is kept except NUL, which PostgreSQL text cannot hold.
 */
export function normalizeMessageText(value: unknown): string | null {
  if (typeof value !== 'string' || value.includes('\0')) return null;
  const text = value.trim();
  const length = [...text].length;
  return length >= 1 && length <= MESSAGE_MAX_CHARACTERS ? text : null;
}

export function isClientId(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 1 && value.length <= CLIENT_ID_MAX_CHARACTERS;
}
