import fc from 'fast-check';
import {
  GENERAL_ROOM,
  HISTORY_SLOTS,
  historySlots,
  messagesIn,
  readableRooms,
} from './history-rooms';

const rooms = { searcher: [7, 8, 9], outsider: 12 };

describe('history rooms', () => {
  it('puts 16 of every 20 messages in general, one in each searcher room and one elsewhere', () => {
    const slots = historySlots(rooms);
    expect(slots).toHaveLength(HISTORY_SLOTS);
    const count = (room: number) => slots.filter((slot) => slot === room).length;
    expect(count(GENERAL_ROOM)).toBe(16);
    for (const room of [7, 8, 9, 12]) expect(count(room)).toBe(1);
  });

  it('refuses a searcher with another number of rooms', () => {
    expect(() => historySlots({ searcher: [7, 8], outsider: 12 })).toThrow(
      'the searcher has 3 rooms, not 2',
    );
  });

  it('gives the searcher general and its own rooms, not the other one', () => {
    expect(readableRooms(rooms)).toEqual([GENERAL_ROOM, 7, 8, 9]);
  });

  it('counts the messages of a load each room gets, as putting them one by one would', () => {
    const slots = historySlots(rooms);
    expect(messagesIn(GENERAL_ROOM, 1_000_000, slots)).toBe(800_000);
    expect(messagesIn(12, 19, slots)).toBe(0); // message 20 is the first in slot 0
    expect(messagesIn(12, 20, slots)).toBe(1);
    const anySlots = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 25 });
    fc.assert(
      fc.property(anySlots, fc.nat(500), fc.integer({ min: 1, max: 4 }), (some, count, room) => {
        let oneByOne = 0;
        for (let n = 1; n <= count; n++) if (some[n % some.length] === room) oneByOne++;
        expect(messagesIn(room, count, some)).toBe(oneByOne);
      }),
    );
  });
});
