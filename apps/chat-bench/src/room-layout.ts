/**
 * How the rooms scenario places its sockets: C sockets (one user each) in R rooms of M members,
 * socket i in room floor(i / M); every user is in the general room too.
 */
export interface RoomLayout {
  connections: number;
  roomSize: number;
  rooms: number;
}

export function roomLayout(connections: number, roomSize: number): RoomLayout {
  if (!Number.isInteger(roomSize) || roomSize < 1) {
    throw new Error(`room size must be a positive integer, not ${roomSize}`);
  }
  if (!Number.isInteger(connections) || connections < roomSize || connections % roomSize) {
    throw new Error(`${connections} connections do not fill rooms of ${roomSize}`);
  }
  return { connections, roomSize, rooms: connections / roomSize };
}

/** The room (0 to R - 1) of socket `socket`. */
export function roomOf(layout: RoomLayout, socket: number): number {
  return Math.floor(socket / layout.roomSize);
}

/** The sockets of room `room`, in order. */
export function membersOf(layout: RoomLayout, room: number): number[] {
  return Array.from({ length: layout.roomSize }, (_, i) => room * layout.roomSize + i);
}

/**
 * Who sends the k-th message (k from 0) and to which room: the rooms take turns, and within a
 * room its members take turns, so every room gets the same rate and every user sends (no one
 * user's rate limit or socket carries the load).
 */
export function senderOf(layout: RoomLayout, k: number): { room: number; socket: number } {
  const room = k % layout.rooms;
  const member = Math.floor(k / layout.rooms) % layout.roomSize;
  return { room, socket: room * layout.roomSize + member };
}
