/** Which room is on screen lives in the address (`#/rooms/5`), so it can be linked and reloaded. */

export function roomHref(roomId: number): string {
  return `#/rooms/${roomId}`;
}

/** The room the address names, or null when it names none (or something that is no room id). */
export function roomInAddress(): number | null {
  const match = /^#\/rooms\/(\d{1,10})$/.exec(location.hash);
  if (!match) return null;
  const id = Number(match[1]);
  return id > 0 ? id : null;
}

export function showRoomInAddress(roomId: number): void {
  if (roomInAddress() !== roomId) history.replaceState(null, '', roomHref(roomId));
}
