import { isClientId, normalizeMessageText } from '@chat/protocol';

/** A frame a client sends on /ws, as read and checked. */
export type ClientFrame =
  | { kind: 'message'; text: string; token?: string; clientId?: string }
  | { kind: 'resume'; afterId: number }
  | { kind: 'auth'; token: string };

/**
 * Reads a client frame: `{"message", "token"?, "client_id"?}`, `{"action": "resume", "after_id"}`
 * or `{"action": "auth", "token"}`. Null for anything else: binary, not JSON, not an object, wrong
 * types or values.
 */
export function parseClientFrame(data: Buffer, isBinary: boolean): ClientFrame | null {
  if (isBinary) return null;
  let frame: unknown;
  try {
    frame = JSON.parse(data.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof frame !== 'object' || frame === null || Array.isArray(frame)) return null;
  const fields = frame as Record<string, unknown>;
  if ('action' in fields) return parseAction(fields);
  const text = normalizeMessageText(fields.message);
  if (text === null) return null;
  if (fields.token !== undefined && (typeof fields.token !== 'string' || fields.token === '')) {
    return null;
  }
  if (fields.client_id !== undefined && !isClientId(fields.client_id)) return null;
  return {
    kind: 'message',
    text,
    token: fields.token as string | undefined,
    clientId: fields.client_id as string | undefined,
  };
}

function parseAction(fields: Record<string, unknown>): ClientFrame | null {
  if (fields.action === 'auth') {
    const token = fields.token;
    return typeof token === 'string' && token !== '' ? { kind: 'auth', token } : null;
  }
  const afterId = fields.after_id;
  const validId = typeof afterId === 'number' && Number.isSafeInteger(afterId) && afterId >= 0;
  return fields.action === 'resume' && validId ? { kind: 'resume', afterId } : null;
}
