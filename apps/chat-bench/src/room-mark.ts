/**
 * The text of a rooms-scenario message: `bench:<room>:<send time in ms>`, the room being the
 * layout's index (0 to R - 1). A receiving socket reads both straight from the frame's bytes, to
 * time the message and to check it belongs to its own room, without building strings (the load
 * generator's own garbage collections would otherwise show up as the servers' latency).
 */
const MARK = Buffer.from('"bench:');
const COLON = 0x3a;
const POINT = 0x2e;

export function roomMessageText(room: number, sentAt: number): string {
  return `bench:${room}:${sentAt.toFixed(3)}`;
}

export interface RoomMark {
  room: number;
  sentAt: number;
}

/** The mark of the message in `frame` (its JSON text), or null when it carries none. */
export function readRoomMark(frame: Buffer): RoomMark | null {
  const at = frame.indexOf(MARK);
  if (at < 0) return null;
  let i = at + MARK.length;
  let room = 0;
  const roomStart = i;
  for (; i < frame.length && isDigit(frame[i]); i++) room = room * 10 + (frame[i] - 0x30);
  if (i === roomStart || frame[i] !== COLON) return null;
  i++;
  let value = 0;
  let scale = 0;
  const timeStart = i;
  for (; i < frame.length; i++) {
    const byte = frame[i];
    if (byte === POINT && !scale) scale = 1;
    else if (isDigit(byte)) {
      value = value * 10 + (byte - 0x30);
      if (scale) scale *= 10;
    } else break;
  }
  if (i === timeStart) return null;
  return { room, sentAt: scale ? value / scale : value };
}

function isDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x39;
}
