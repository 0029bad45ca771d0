// Baseline "coalescing": the same wire protocol as the naive server (one text frame per message),
// but each frame is built once, and all frames due for one socket in the same event-loop turn go
// out with a single write, so far fewer syscalls.
// Rooms (the rooms scenario): a socket whose first frame is {"rooms": [ids]} is in those rooms and
// answered {"type":"ack"}; a message with a "room" goes to that room's sockets only. Without them
// every message goes to every socket, as in the one-room fan-out.
import type { Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

const port = Number(process.argv[2]);
const server = new WebSocketServer({ port, host: '127.0.0.1', path: '/ws' });
const pending = new Map<WebSocket, Buffer[]>();
const rooms = new Map<number, Set<WebSocket>>();
let flushScheduled = false;
let nextId = 1;

interface Frame {
  message?: string;
  /** A message to this room only. */
  room?: number;
  /** The first frame of a socket in rooms: the rooms it is in. */
  rooms?: number[];
}

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
    const frame = JSON.parse(data.toString()) as Frame;
    if (frame.rooms) return enter(socket, frame.rooms);
    const payload =
      frame.room === undefined
        ? { message_id: nextId++, message: frame.message }
        : { message_id: nextId++, room_id: frame.room, message: frame.message };
    const to = frame.room === undefined ? server.clients : (rooms.get(frame.room) ?? []);
    queue(textFrame(Buffer.from(JSON.stringify(payload))), to);
  });
});

function enter(socket: WebSocket, ids: number[]): void {
  for (const id of ids) {
    const members = rooms.get(id);
    if (members) members.add(socket);
    else rooms.set(id, new Set([socket]));
  }
  socket.once('close', () => {
    for (const id of ids) rooms.get(id)?.delete(socket);
  });
  socket.send('{"type":"ack"}');
}

function queue(frame: Buffer, to: Iterable<WebSocket>): void {
  for (const client of to) {
    const frames = pending.get(client);
    if (frames) frames.push(frame);
    else pending.set(client, [frame]);
  }
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flush);
  }
}

server.on('listening', () => process.send?.('ready'));
