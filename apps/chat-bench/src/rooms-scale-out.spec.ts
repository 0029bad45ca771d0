import { membersOf, roomLayout, senderOf } from './room-layout';
import { expectedReceipts, instanceOf } from './rooms-scale-out';

describe('rooms spread over two instances', () => {
  const layout = roomLayout(80, 10);

  it('puts most rooms wholly on one instance, alternating, and every fourth on both', () => {
    const placements = Array.from({ length: layout.rooms }, (_, room) => [
      ...new Set(membersOf(layout, room).map((socket) => instanceOf(layout, socket))),
    ]);
    expect(placements).toEqual([[0], [1], [0], [0, 1], [0], [1], [0], [0, 1]]);
  });

  it('expects each instance to hear exactly the messages of rooms with a member on it', () => {
    const sent = 37;
    const [first, second] = expectedReceipts(layout, sent);
    expect(first.roomsHere).toBe(6);
    expect(second.roomsHere).toBe(4);
    let toFirst = 0;
    let toSecond = 0;
    for (let k = 0; k < sent; k++) {
      const onIt = membersOf(layout, senderOf(layout, k).room).map((s) => instanceOf(layout, s));
      if (onIt.includes(0)) toFirst++;
      if (onIt.includes(1)) toSecond++;
    }
    expect([first.sentToRoomsHere, second.sentToRoomsHere]).toEqual([toFirst, toSecond]);
    expect(toFirst + toSecond).toBeGreaterThan(sent);
  });
});
