import fc from 'fast-check';
import type { PresenceStatus } from '@chat/protocol';
import { COUNT_INTERVAL_MS, PresenceCoalescer } from './presence-coalescer';

const status = fc.constantFrom<PresenceStatus>('online', 'away', 'offline');

describe('PresenceCoalescer', () => {
  it("gives each recipient each user once, with the user's latest status", () => {
    const change = fc.record({
      recipient: fc.integer({ min: 1, max: 5 }),
      userId: fc.integer({ min: 1, max: 20 }),
      status,
    });
    fc.assert(
      fc.property(fc.array(change, { maxLength: 300 }), (changes) => {
        const coalescer = new PresenceCoalescer<number>();
        const latest = new Map<number, Map<number, PresenceStatus>>();
        for (const { recipient, userId, status } of changes) {
          coalescer.status(recipient, userId, status);
          const users = latest.get(recipient) ?? new Map<number, PresenceStatus>();
          latest.set(recipient, users.set(userId, status));
        }
        expect(coalescer.takeStatuses()).toEqual(latest);
        expect(coalescer.takeStatuses().size).toBe(0);
      }),
    );
  });

  it('turns n users changing, each seen by n sockets, into at most n x n frames a flush', () => {
    const coalescer = new PresenceCoalescer<number>();
    const n = 100;
    for (let round = 0; round < 3; round++) {
      for (let user = 1; user <= n; user++) {
        for (let socket = 1; socket <= n; socket++) {
          coalescer.status(socket, user, round % 2 ? 'away' : 'online');
        }
      }
    }
    const frames = [...coalescer.takeStatuses().values()].reduce((sum, m) => sum + m.size, 0);
    expect(frames).toBe(n * n);
  });

  it('takes back statuses not sent, never over a newer one, and keeps counts owed until taken', () => {
    const coalescer = new PresenceCoalescer<number>();
    coalescer.status(1, 7, 'online');
    const taken = coalescer.takeStatuses();
    coalescer.status(1, 7, 'away'); // gathered while the flush ran
    coalescer.putBack(1, taken.get(1)!);
    coalescer.putBack(1, [[8, 'online']]);
    coalescer.putBack(2, []);
    expect(coalescer.takeStatuses()).toEqual(
      new Map([
        [
          1,
          new Map<number, PresenceStatus>([
            [7, 'away'],
            [8, 'online'],
          ]),
        ],
      ]),
    );
    expect(coalescer.pending).toBe(false);
    coalescer.owe(1, [10, 11]);
    coalescer.owe(1, [10]);
    coalescer.owe(2, []);
    expect(coalescer.pending).toBe(true);
    expect(coalescer.takeOwed()).toEqual(new Map([[1, new Set([10, 11])]]));
    expect(coalescer.pending).toBe(false);
  });

  it("lets a room's count out at most once a second, with the latest count", () => {
    const coalescer = new PresenceCoalescer<number>();
    coalescer.count(1, 5);
    expect(coalescer.takeCounts(0)).toEqual(new Map([[1, 5]]));
    expect(coalescer.sendCount(1, 5, 0)).toBe(true);
    coalescer.count(1, 6);
    coalescer.count(1, 7);
    expect(coalescer.takeCounts(COUNT_INTERVAL_MS - 1)).toEqual(new Map());
    expect(coalescer.pending).toBe(true);
    expect(coalescer.takeCounts(COUNT_INTERVAL_MS)).toEqual(new Map([[1, 7]]));
    expect(coalescer.pending).toBe(false);
  });

  it('does not send a count again that was the last one sent', () => {
    const coalescer = new PresenceCoalescer<number>();
    expect(coalescer.sendCount(1, 5, 0)).toBe(true);
    expect(coalescer.sendCount(1, 5, 5_000)).toBe(false);
    expect(coalescer.sendCount(1, 4, 6_000)).toBe(true);
    expect(coalescer.sendCount(2, 5, 6_000)).toBe(true);
  });

  it('never sends a room two counts within the interval', () => {
    const step = fc.record({
      roomId: fc.integer({ min: 1, max: 3 }),
      online: fc.nat(5),
      gap: fc.nat(400),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), (steps) => {
        const coalescer = new PresenceCoalescer<number>();
        const sentAt = new Map<number, number>();
        let now = 0;
        for (const { roomId, online, gap } of steps) {
          now += gap;
          coalescer.count(roomId, online);
          for (const [room, count] of coalescer.takeCounts(now)) {
            if (!coalescer.sendCount(room, count, now)) continue;
            const last = sentAt.get(room);
            if (last !== undefined) expect(now - last).toBeGreaterThanOrEqual(COUNT_INTERVAL_MS);
            sentAt.set(room, now);
          }
        }
      }),
    );
  });
});
