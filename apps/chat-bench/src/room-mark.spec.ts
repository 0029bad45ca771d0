import fc from 'fast-check';
import { readRoomMark, roomMessageText } from './room-mark';

const frame = (json: object) => Buffer.from(JSON.stringify(json));

describe('room mark', () => {
  it('reads the room and send time back from a chat frame and from a baseline frame', () => {
    const text = roomMessageText(42, 1234.5678);
    expect(text).toBe('bench:42:1234.568');
    const chat = frame({ type: 'message.new', room_id: 44, seq: 3, message: { message: text } });
    expect(readRoomMark(chat)).toEqual({ room: 42, sentAt: 1234.568 });
    expect(readRoomMark(frame({ message_id: 9, room_id: 44, message: text }))).toEqual({
      room: 42,
      sentAt: 1234.568,
    });
  });

  it('finds no mark in a frame without one, or with a malformed one', () => {
    expect(readRoomMark(frame({ type: 'ack', user_id: 3 }))).toBeNull();
    expect(readRoomMark(frame({ message: 'bench:' }))).toBeNull();
    expect(readRoomMark(frame({ message: 'bench:x:12' }))).toBeNull();
    expect(readRoomMark(frame({ message: 'bench:12' }))).toBeNull();
    expect(readRoomMark(frame({ message: 'bench::12' }))).toBeNull();
    expect(readRoomMark(frame({ message: 'bench:12:' }))).toBeNull();
    expect(readRoomMark(frame({ message: 'not bench:1:2' }))).toBeNull();
  });

  it('round-trips any room and time to the millisecond decimals it writes', () => {
    fc.assert(
      fc.property(fc.nat(1e6), fc.double({ min: 0, max: 1e9, noNaN: true }), (room, time) => {
        const mark = readRoomMark(frame({ message: roomMessageText(room, time) }))!;
        expect(mark.room).toBe(room);
        expect(mark.sentAt).toBeCloseTo(Number(time.toFixed(3)), 6);
      }),
    );
  });
});
