import { InvalidInputError } from '@chat/errors';
import { isId } from './room-id';

/** Where a directory page ended: the last room's lowered name and id (the listing's order). */
export interface DirectoryPosition {
  sortName: string;
  id: number;
}

export const DIRECTORY_START: DirectoryPosition = { sortName: '', id: 0 };

/** Opaque to clients: base64url of the position as JSON. */
export function encodeDirectoryCursor(position: DirectoryPosition): string {
  return Buffer.from(JSON.stringify([position.sortName, position.id])).toString('base64url');
}

/** The position a cursor from encodeDirectoryCursor names; 422 for anything else. */
export function decodeDirectoryCursor(cursor: string): DirectoryPosition {
  let parsed: unknown;
  try {
    parsed = /^[A-Za-z0-9_-]+$/.test(cursor)
      ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'))
      : undefined;
  } catch {
    parsed = undefined;
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    typeof parsed[0] === 'string' &&
    // No name holds these, and PostgreSQL refuses NUL in text.
    !/[\p{Cc}\p{Cs}]/u.test(parsed[0]) &&
    isId(parsed[1])
  ) {
    return { sortName: parsed[0], id: parsed[1] };
  }
  throw new InvalidInputError([{ field: 'cursor', message: 'cursor is not one this API gave' }]);
}

/** A LIKE pattern matching names that contain `text`, its own wildcards taken literally. */
export function containsPattern(text: string | undefined): string {
  return `%${(text ?? '').replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
