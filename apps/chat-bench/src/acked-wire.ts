import { SUBPROTOCOL } from '@chat/protocol';
import { isAck, isError } from './room-wire';

/**
 * Protocol v2 (docs/protocol.md) for a sender that counts what the server acknowledged: message k
 * goes out as `message.send` with `req` k, `client_id` `c<k>` and the text `ovl:<k>`, so its ack
 * or error names it, and every socket reads which message a frame delivers straight from its bytes.
 */
export const ACKED_PROTOCOL = SUBPROTOCOL;

const MARK = Buffer.from('"ovl:');

export function authFrame(token: string): string {
  return JSON.stringify({ type: 'auth', req: 'auth', token });
}

export function sendFrame(roomId: number, k: number): string {
  return JSON.stringify({
    type: 'message.send',
    req: String(k),
    room_id: roomId,
    text: `ovl:${k}`,
    client_id: `c${k}`,
  });
}

/** A sender's answer to one of its frames: acknowledged, or refused with an error code. */
export type Reply = { kind: 'ack'; req: string } | { kind: 'error'; req?: string; code: string };

/** The ack or error in `frame`, or null for any other frame (a delivery, a notice). */
export function readReply(frame: Buffer): Reply | null {
  if (isAck(frame)) return { kind: 'ack', req: (JSON.parse(frame.toString()) as Reply).req! };
  if (!isError(frame)) return null;
  const { req, code } = JSON.parse(frame.toString()) as { req?: string; code: string };
  return { kind: 'error', req, code };
}

/**
 * The number k of the message a delivery frame carries, or -1 when it carries none. The caller
 * keeps acks (which carry the message too) out: they are not deliveries.
 */
export function readMessageNumber(frame: Buffer): number {
  const at = frame.indexOf(MARK);
  if (at < 0) return -1;
  let k = 0;
  let i = at + MARK.length;
  const start = i;
  for (; i < frame.length && frame[i] >= 0x30 && frame[i] <= 0x39; i++) {
    k = k * 10 + (frame[i] - 0x30);
  }
  return i === start ? -1 : k;
}
