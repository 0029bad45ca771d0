import fc from 'fast-check';
import { membersOf, roomLayout, roomOf, senderOf } from './room-layout';

describe('room layout', () => {
  it('puts 1,000 sockets in 100 rooms of 10, consecutive sockets together', () => {
    const layout = roomLayout(1_000, 10);
    expect(layout.rooms).toBe(100);
    expect(roomOf(layout, 0)).toBe(0);
    expect(roomOf(layout, 9)).toBe(0);
    expect(roomOf(layout, 10)).toBe(1);
    expect(roomOf(layout, 999)).toBe(99);
    expect(membersOf(layout, 3)).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);
  });

  it('refuses sockets that do not fill whole rooms', () => {
    expect(() => roomLayout(1_005, 10)).toThrow('1005 connections do not fill rooms of 10');
    expect(() => roomLayout(5, 10)).toThrow();
    expect(() => roomLayout(10, 0)).toThrow('room size must be a positive integer');
    expect(() => roomLayout(10, 2.5)).toThrow();
  });

  it('gives every socket exactly one room, and each room its size', () => {
    const sizes = fc.tuple(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 1, max: 15 }));
    fc.assert(
      fc.property(sizes, ([rooms, roomSize]) => {
        const layout = roomLayout(rooms * roomSize, roomSize);
        const seen = new Array<number>(layout.connections).fill(0);
        for (let room = 0; room < layout.rooms; room++) {
          const members = membersOf(layout, room);
          expect(members).toHaveLength(roomSize);
          for (const socket of members) {
            expect(roomOf(layout, socket)).toBe(room);
            seen[socket]++;
          }
        }
        expect(seen.every((count) => count === 1)).toBe(true);
      }),
    );
  });

  it('sends from a member of the room, the rooms and their members taking turns', () => {
    const layout = roomLayout(30, 10);
    expect([0, 1, 2, 3, 4].map((k) => senderOf(layout, k))).toEqual([
      { room: 0, socket: 0 },
      { room: 1, socket: 10 },
      { room: 2, socket: 20 },
      { room: 0, socket: 1 },
      { room: 1, socket: 11 },
    ]);
    const sizes = fc.tuple(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 1, max: 20 }));
    fc.assert(
      fc.property(sizes, ([rooms, roomSize]) => {
        const layout = roomLayout(rooms * roomSize, roomSize);
        const perSocket = new Array<number>(layout.connections).fill(0);
        // One full turn: every room roomSize messages, every socket one.
        for (let k = 0; k < layout.connections; k++) {
          const { room, socket } = senderOf(layout, k);
          expect(roomOf(layout, socket)).toBe(room);
          perSocket[socket]++;
        }
        expect(perSocket.every((count) => count === 1)).toBe(true);
      }),
    );
  });
});
