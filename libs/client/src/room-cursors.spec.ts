import fc from 'fast-check';
import { RoomCursors } from './room-cursors';

describe('RoomCursors', () => {
  it('passes each number on once, in order, whatever repeats and overlaps come', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 40 })), {
          maxLength: 200,
        }),
        (arrivals) => {
          const cursors = new RoomCursors();
          for (const room of [1, 2, 3]) cursors.follow(room, 0);
          const passed = new Map<number, number[]>();
          // Every number arrives after its predecessors (a live stream plus replays of it).
          const highest = new Map<number, number>();
          for (const [room, upTo] of arrivals) {
            const top = Math.max(highest.get(room) ?? 0, upTo);
            highest.set(room, top);
            for (let seq = 1; seq <= top; seq++) {
              if (cursors.accept(room, seq) === 'new')
                passed.set(room, [...(passed.get(room) ?? []), seq]);
            }
          }
          for (const [room, top] of highest) {
            expect(passed.get(room)).toEqual(Array.from({ length: top }, (_, i) => i + 1));
          }
        },
      ),
    );
  });

  it('tells a gap apart, and skips ahead when told the room moved on', () => {
    const cursors = new RoomCursors();
    cursors.follow(7, 10);
    expect(cursors.accept(7, 12)).toBe('gap');
    expect(cursors.accept(7, 11)).toBe('new');
    expect(cursors.accept(7, 11)).toBe('repeat');
    cursors.skipTo(7, 40);
    expect(cursors.accept(7, 41)).toBe('new');
    expect(cursors.resumePoints()).toEqual({ 7: 41 });
  });

  it('never follows a room from an earlier number than it already has', () => {
    const cursors = new RoomCursors();
    cursors.follow(2, 9);
    cursors.follow(2, 4);
    expect(cursors.get(2)).toBe(9);
  });
});
