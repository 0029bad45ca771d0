/**
 * Where the next page of a search starts. Results come in windows: the newest SEARCH_WINDOW
 * matches up to `bound`, ranked; `after` is the last hit shown from that window, absent when the
 * next page opens a new window. `bound` is a message id when the search spans the caller's rooms,
 * a room number (seq) when it is in one room, so a cursor names which it is.
 */
export interface SearchCursor {
  scope: 'all' | 'room';
  bound: number;
  /** The window's oldest key, fixed by its first page. */
  low?: number;
  after?: { rank: number; id: number };
}

/** ts_rank is a PostgreSQL real: 0, or within what a real holds without loss. */
const RANK_MIN = 1e-37;
const RANK_MAX = 3.4e38;

const SCOPES = { a: 'all', r: 'room' } as const;

export function encodeSearchCursor(cursor: SearchCursor): string {
  const scope = cursor.scope === 'all' ? 'a' : 'r';
  const fields = cursor.after
    ? [scope, cursor.bound, cursor.low ?? null, cursor.after.rank, cursor.after.id]
    : [scope, cursor.bound];
  return Buffer.from(JSON.stringify(fields)).toString('base64url');
}

/** The cursor a page gave, or null for anything it could not have given. */
export function decodeSearchCursor(value: string): SearchCursor | null {
  if (value.length > 200 || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  let fields: unknown;
  try {
    fields = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(fields) || (fields.length !== 2 && fields.length !== 5)) return null;
  const [scope, bound, low, rank, id] = fields as unknown[];
  if ((scope !== 'a' && scope !== 'r') || !isKey(bound)) return null;
  const cursor: SearchCursor = { scope: SCOPES[scope], bound };
  if (fields.length === 2) return cursor;
  if (!isRank(rank) || !isKey(id)) return null;
  if (low === null) return Object.assign(cursor, { after: { rank, id } });
  if (!isKey(low) || low > bound) return null;
  return Object.assign(cursor, { low, after: { rank, id } });
}

function isRank(value: unknown): value is number {
  return typeof value === 'number' && (value === 0 || (value >= RANK_MIN && value <= RANK_MAX));
}

function isKey(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
