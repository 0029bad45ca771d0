import { isClientId, normalizeMessageText } from '@chat/messages';

export type IncomingFrame =
  | { kind: 'message'; text: string; token?: string; clientId?: string }
  | { kind: 'resume'; afterId: number }
  | { kind: 'auth'; token: string };

/**
 * Reads a client frame: `{"message", "token"?, "client_id"?}`, `{"action": "resume", "after_id"}`
 * or `{"action": "auth", "token"}`. Null for anything else: binary, not JSON, not an object, wrong
 * types or values.
 */
export function parseFrame(data: Buffer, isBinary: boolean): IncomingFrame | null {
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

function parseAction(fields: Record<string, unknown>): IncomingFrame | null {
  if (fields.action === 'auth') {
    const token = fields.token;
    return typeof token === 'string' && token !== '' ? { kind: 'auth', token } : null;
  }
  const afterId = fields.after_id;
  const validId = typeof afterId === 'number' && Number.isSafeInteger(afterId) && afterId >= 0;
  return fields.action === 'resume' && validId ? { kind: 'resume', afterId } : null;
}

/**
 * A server frame, serialised once: the JSON text wrapped in a complete WebSocket text frame
 * (RFC 6455, unmasked as servers send), so the very same bytes are written to every socket.
 */
export function encodeFrame(payload: object): Buffer {
  const text = Buffer.from(JSON.stringify(payload));
  return Buffer.concat([textFrameHeader(text.length), text]);
}

function textFrameHeader(length: number): Buffer {
  const FIN_TEXT = 0x81;
  if (length < 126) return Buffer.from([FIN_TEXT, length]);
  if (length < 65_536) return Buffer.from([FIN_TEXT, 126, length >> 8, length & 0xff]);
  const header = Buffer.alloc(10);
  header[0] = FIN_TEXT;
  header[1] = 127;
  header.writeBigUInt64BE(BigInt(length), 2);
  return header;
}

/** A notice to one client; the `event` field keeps old clients from showing it as a message. */
export function noticeFrame(message: string): Buffer {
  return encodeFrame({ event: 'send user message', message });
}
