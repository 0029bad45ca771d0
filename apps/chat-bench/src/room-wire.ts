import { SUBPROTOCOL } from '@chat/protocol';

/**
 * What the rooms scenario says on the wire to each server it measures: how a socket enters its
 * rooms, how it sends to one, and which frames are deliveries of a room's message.
 */
export interface RoomWire {
  /** The WebSocket subprotocol to offer, if any. */
  protocol?: string;
  /** The first frame of socket `socket`; the server answers it with an ack before anything else. */
  hello(socket: number): string;
  /** A message to the room with id `roomId`. */
  send(roomId: number, text: string): string;
  /** A frame that delivers a room's message (not an ack, which for the chat also carries it). */
  isDelivery(frame: Buffer): boolean;
}

const ACK = Buffer.from('{"type":"ack"');
const ERROR = Buffer.from('{"type":"error"');
const MESSAGE_NEW = Buffer.from('{"type":"message.new"');
const BASELINE_MESSAGE = Buffer.from('{"message_id":');

export function isAck(frame: Buffer): boolean {
  return startsWith(frame, ACK);
}

export function isError(frame: Buffer): boolean {
  return startsWith(frame, ERROR);
}

/** The chat server's protocol v2 (docs/protocol.md): auth in the first frame, then message.send. */
export function chatWire(tokens: string[]): RoomWire {
  return {
    protocol: SUBPROTOCOL,
    hello: (socket) => JSON.stringify({ type: 'auth', token: tokens[socket] }),
    send: (roomId, text) => JSON.stringify({ type: 'message.send', room_id: roomId, text }),
    isDelivery: (frame) => startsWith(frame, MESSAGE_NEW),
  };
}

/**
 * The coalescing baseline's rooms (baselines/coalescing.ts): the first frame names the socket's
 * rooms, the same ids as the chat server's.
 */
export function baselineWire(roomsOf: (socket: number) => number[]): RoomWire {
  return {
    hello: (socket) => JSON.stringify({ rooms: roomsOf(socket) }),
    send: (roomId, text) => JSON.stringify({ room: roomId, message: text }),
    isDelivery: (frame) => startsWith(frame, BASELINE_MESSAGE),
  };
}

function startsWith(frame: Buffer, prefix: Buffer): boolean {
  return (
    frame.length >= prefix.length && frame.compare(prefix, 0, prefix.length, 0, prefix.length) === 0
  );
}
