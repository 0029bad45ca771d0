import { ServerFrame as V2ServerFrame } from '@chat/protocol';
import { ServerFrame } from './server-frames';

/**
 * A server frame, serialised once: the JSON text wrapped in a complete WebSocket text frame
 * (RFC 6455, unmasked as servers send), so the very same bytes are written to every socket.
 */
export function encodeFrame(frame: ServerFrame | V2ServerFrame): Buffer {
  const text = Buffer.from(JSON.stringify(frame));
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
