/** The general room, which every user reads. */
export const GENERAL_ROOM = 1;

/** The rooms of the history step besides general. */
export interface HistoryRooms {
  /** Rooms the searching user created (and so is a member of). */
  searcher: number[];
  /** A room of another user's, which the searcher is not in. */
  outsider: number;
}

export const HISTORY_SLOTS = 20;
export const SEARCHER_ROOMS = 3;

/**
 * Where the bulk-loaded messages go: message n (from 1) into slots[n % slots.length], so each
 * room's messages are spread evenly through the history. Of every 20, 16 go to the general room,
 * one to each of the searcher's three rooms, and one to a room the searcher is not in (which its
 * searches must pass over).
 */
export function historySlots(rooms: HistoryRooms): number[] {
  if (rooms.searcher.length !== SEARCHER_ROOMS) {
    throw new Error(`the searcher has ${SEARCHER_ROOMS} rooms, not ${rooms.searcher.length}`);
  }
  const general = Array<number>(HISTORY_SLOTS - SEARCHER_ROOMS - 1).fill(GENERAL_ROOM);
  return [rooms.outsider, ...rooms.searcher, ...general];
}

/** The rooms whose messages the searcher reads: general and its own. */
export function readableRooms(rooms: HistoryRooms): number[] {
  return [GENERAL_ROOM, ...rooms.searcher];
}

/** How many of messages 1 to `count` the slots put in `room`. */
export function messagesIn(room: number, count: number, slots: number[]): number {
  const whole = Math.floor(count / slots.length) * slots.filter((r) => r === room).length;
  let rest = 0;
  for (let n = count - (count % slots.length) + 1; n <= count; n++) {
    if (slots[n % slots.length] === room) rest++;
  }
  return whole + rest;
}
