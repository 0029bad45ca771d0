import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { closeSockets, LoadResult, loadResult } from './load';
import { drain, paced } from './pacing';
import { RoomLayout, roomOf, senderOf } from './room-layout';
import { readRoomMark, roomMessageText } from './room-mark';
import { isAck, isError, RoomWire } from './room-wire';

export interface RoomLoadSpec {
  /** The server, or each socket's (several instances). */
  wsUrl: string | ((socket: number) => string);
  wire: RoomWire;
  layout: RoomLayout;
  /** The server's id of each of the layout's rooms. */
  roomIds: number[];
  /** Messages per second, all rooms together. */
  rate: number;
  durationMs: number;
  /** Called once the sockets have settled, before the first message, and again once all arrived. */
  around?: { before?(): Promise<void>; after?(): Promise<void> };
}

export interface RoomLoadResult extends LoadResult {
  /** Messages that reached a socket outside their room (each such arrival once). */
  misdelivered: number;
}

const CONNECT_BATCH = 100;
const HELLO_TIMEOUT_MS = 10_000;
/** Between opening the sockets and the first message, so a step measures traffic, not handshakes. */
const SETTLE_MS = 500;

/**
 * One socket per user of `layout`, each in its room (and general); the rooms' members take turns
 * sending at a total rate R for a bounded time. Every socket counts the room messages it
 * receives, how long each took from its send time (carried in the text), and any that belongs to
 * another room.
 */
export async function runRoomLoad(spec: RoomLoadSpec): Promise<RoomLoadResult> {
  const { layout, wire } = spec;
  let received = 0;
  let misdelivered = 0;
  let errors = 0;
  const latencies = new Float64Array(
    Math.ceil((spec.rate * spec.durationMs) / 1000) * layout.roomSize,
  );
  const onFrame = (room: number) => (data: Buffer) => {
    if (!wire.isDelivery(data)) {
      if (isError(data)) errors++;
      return;
    }
    const mark = readRoomMark(data);
    if (!mark) return;
    if (mark.room !== room) {
      misdelivered++;
      return;
    }
    if (received < latencies.length) latencies[received] = performance.now() - mark.sentAt;
    received++;
  };
  const sockets = await openInRooms(spec, (socket) => onFrame(roomOf(layout, socket)));
  for (const socket of sockets) socket.on('error', () => errors++);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  await spec.around?.before?.();

  const sent = await paced(spec.rate, spec.durationMs, (k) => {
    const { room, socket } = senderOf(layout, k);
    const sender = sockets[socket];
    if (sender.readyState === WebSocket.OPEN) {
      sender.send(wire.send(spec.roomIds[room], roomMessageText(room, performance.now())));
    } else {
      errors++;
    }
  });
  const expected = sent * layout.roomSize;
  await drain(() => received >= expected);
  await spec.around?.after?.();
  await closeSockets(sockets);
  const step = { sent, received, expected, durationMs: spec.durationMs, latencies, errors };
  return { ...loadResult(step), misdelivered };
}

/**
 * Opens every socket, `CONNECT_BATCH` at a time, and has each enter its rooms (its hello
 * acknowledged) before it listens with `listener(socket)`.
 */
async function openInRooms(
  spec: RoomLoadSpec,
  listener: (socket: number) => (data: Buffer) => void,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  const count = spec.layout.connections;
  for (let start = 0; start < count; start += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - start) }, (_, i) =>
      enter(spec, start + i, listener(start + i)),
    );
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

function enter(
  spec: RoomLoadSpec,
  index: number,
  onFrame: (data: Buffer) => void,
): Promise<WebSocket> {
  const url = typeof spec.wsUrl === 'string' ? spec.wsUrl : spec.wsUrl(index);
  const socket = new WebSocket(url, spec.wire.protocol ?? [], { perMessageDeflate: false });
  return new Promise<WebSocket>((resolve, reject) => {
    const timeout = setTimeout(
      () => fail(new Error(`socket ${index}: no answer to its hello`)),
      HELLO_TIMEOUT_MS,
    );
    const fail = (error: Error) => {
      clearTimeout(timeout);
      socket.terminate();
      reject(error);
    };
    const answer = (data: Buffer) => {
      if (isError(data)) return fail(new Error(`socket ${index}: ${data.toString()}`));
      if (!isAck(data)) return; // nothing of the rooms' traffic is counted before the ack
      clearTimeout(timeout);
      socket.off('error', fail);
      socket.off('message', answer);
      socket.on('message', (frame: Buffer) => onFrame(frame));
      resolve(socket);
    };
    socket.once('open', () => socket.send(spec.wire.hello(index)));
    socket.once('error', fail);
    socket.on('message', answer);
  });
}
