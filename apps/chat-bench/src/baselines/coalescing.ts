// Baseline "coalescing": the same wire protocol as the naive server (one text frame per message),
// but each frame is built once, and all frames due for one socket in the same event-loop turn go
// out with a single write, so far fewer syscalls.
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const server = new WebSocketServer({ port, host: '127.0.0.1', path: '/ws' });
const pending = new Map<WebSocket, Buffer[]>();
let flushScheduled = false;
let nextId = 1;

/** An unmasked server text frame (RFC 6455) around `payload`. */
function textFrame(payload: Buffer): Buffer {
  const length = payload.length;
  const header =
    length < 126
      ? Buffer.from([0x81, length])
      : length < 65536
        ? Buffer.from([0x81, 126, length >> 8, length & 0xff])
        : Buffer.concat([Buffer.from([0x81, 127]), bigLength(length)]);
  return Buffer.concat([header, payload]);
}

function bigLength(length: number): Buffer {
  const bytes = Buffer.alloc(8);
  bytes.writeBigUInt64BE(BigInt(length));
  return bytes;
}

function flush(): void {
  flushScheduled = false;
  for (const [socket, frames] of pending) {
    const raw = (socket as unknown as { _socket: Socket })._socket;
    if (socket.readyState === WebSocket.OPEN)
      raw.write(frames.length === 1 ? frames[0] : Buffer.concat(frames));
  }
  pending.clear();
}

server.on('connection', (socket) => {
  socket.on('message', (data) => {
    const { message } = JSON.parse(data.toString()) as { message: string };
    const frame = textFrame(Buffer.from(JSON.stringify({ message_id: nextId++, message })));
    for (const client of server.clients) {
      const queue = pending.get(client);
      if (queue) queue.push(frame);
      else pending.set(client, [frame]);
    }
    if (!flushScheduled) {
      flushScheduled = true;
      setImmediate(flush);
    }
  });
});
server.on('listening', () => process.send?.('ready'));
