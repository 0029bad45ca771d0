import fc from 'fast-check';
import { RoomEvent } from '@chat/events';
import { RoomSequencer } from './room-sequencer';

const OPTIONS = { gapWaitMs: 100, giveUpMs: 1_000, maxFill: 50 };

const change = (roomId: number, seq: number): RoomEvent => ({
  type: 'message.deleted',
  roomId,
  seq,
  messageId: seq,
});

/** A sequencer over a database holding changes 1..stored of each room. */
function setUp(stored: number, failReads = false) {
  const emitted: [number, number][] = [];
  const reads: [number, number, number][] = [];
  const skipped: [number, number, number][] = [];
  const sequencer = new RoomSequencer(
    {
      emit: (event) => emitted.push([event.roomId, event.seq]),
      read: async (roomId, afterSeq, upToSeq) => {
        reads.push([roomId, afterSeq, upToSeq]);
        if (failReads) throw new Error('database away');
        const events: RoomEvent[] = [];
        for (let seq = afterSeq + 1; seq <= Math.min(upToSeq, stored); seq++) {
          events.push(change(roomId, seq));
        }
        return events;
      },
      skipped: (roomId, afterSeq, upToSeq) => skipped.push([roomId, afterSeq, upToSeq]),
    },
    OPTIONS,
  );
  return { sequencer, emitted, reads, skipped };
}

/** Runs timers and the reads they start until nothing is left to do. */
async function settle(): Promise<void> {
  for (let round = 0; round < 20; round++) {
    await jest.advanceTimersByTimeAsync(OPTIONS.gapWaitMs);
  }
}

describe('RoomSequencer', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('passes on every change of a followed room once and in order, whatever order and repeats the bus brings, filling what never comes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 30 }).chain((n) =>
          fc.tuple(
            fc.constant(n),
            // Which changes the bus delivers (some lost), in which order, some twice.
            fc.shuffledSubarray([...Array(n).keys()].map((i) => i + 1)),
            fc.array(fc.integer({ min: 1, max: n }), { maxLength: 5 }),
          ),
        ),
        async ([n, arriving, repeats]) => {
          const { sequencer, emitted } = setUp(n);
          sequencer.follow(7, 0);
          for (const seq of [...arriving, ...repeats]) sequencer.accept(change(7, seq));
          // The last changes may never have come: the sweep after the bus came back reads them.
          sequencer.sweep(new Map([[7, n]]));
          await settle();
          expect(emitted).toEqual([...Array(n).keys()].map((i) => [7, i + 1]));
          sequencer.stop();
        },
      ),
      { numRuns: 100 },
    );
  });

  it('waits gapWaitMs for a missing change before reading it, and does not read what arrives in time', async () => {
    const { sequencer, emitted, reads } = setUp(3);
    sequencer.follow(1, 0);
    sequencer.accept(change(1, 2));
    await jest.advanceTimersByTimeAsync(OPTIONS.gapWaitMs / 2);
    sequencer.accept(change(1, 1));
    await settle();
    expect(reads).toEqual([]);
    expect(emitted).toEqual([
      [1, 1],
      [1, 2],
    ]);
  });

  it('ignores the changes of rooms it does not follow, and of rooms it stopped following', async () => {
    const { sequencer, emitted } = setUp(5);
    sequencer.accept(change(3, 1));
    sequencer.follow(4, 0);
    sequencer.unfollow(4);
    sequencer.accept(change(4, 1));
    expect(emitted).toEqual([]);
  });

  it('reads at once after the bus came back', async () => {
    const { sequencer, emitted } = setUp(4);
    sequencer.follow(2, 1);
    sequencer.sweep(new Map([[2, 4]]));
    await settle();
    expect(emitted).toEqual([
      [2, 2],
      [2, 3],
      [2, 4],
    ]);
  });

  it('gives up on a gap it cannot read within giveUpMs and passes on what followed it', async () => {
    const { sequencer, emitted, skipped } = setUp(3, true);
    sequencer.follow(1, 0);
    sequencer.accept(change(1, 3));
    await jest.advanceTimersByTimeAsync(OPTIONS.giveUpMs + 5 * OPTIONS.gapWaitMs);
    expect(skipped).toEqual([[1, 0, 2]]);
    expect(emitted).toEqual([[1, 3]]);
  });

  it('skips a gap too large to read, without reading it, and passes on what it holds after it', async () => {
    const { sequencer, emitted, reads, skipped } = setUp(100);
    sequencer.follow(1, 0);
    sequencer.accept(change(1, OPTIONS.maxFill + 10));
    await settle();
    expect(reads).toEqual([]);
    expect(skipped).toEqual([[1, 0, OPTIONS.maxFill + 9]]);
    expect(emitted).toEqual([[1, OPTIONS.maxFill + 10]]);
  });

  it('retries a sweep whose read failed, until it can read', async () => {
    let failing = true;
    const emitted: number[] = [];
    const sequencer = new RoomSequencer(
      {
        emit: (event) => emitted.push(event.seq),
        read: async (roomId, afterSeq, upToSeq) => {
          if (failing) throw new Error('database away');
          return [...Array(upToSeq - afterSeq).keys()].map((i) => change(roomId, afterSeq + i + 1));
        },
        skipped: () => undefined,
      },
      { ...OPTIONS, giveUpMs: 60_000 },
    );
    sequencer.follow(1, 0);
    sequencer.sweep(new Map([[1, 3]]));
    await settle();
    expect(emitted).toEqual([]);
    failing = false;
    await settle();
    expect(emitted).toEqual([1, 2, 3]);
  });

  it('fills further after a fill in flight when a sweep finds more', async () => {
    const { sequencer, emitted } = setUp(6);
    sequencer.follow(1, 0);
    sequencer.accept(change(1, 3));
    await jest.advanceTimersByTimeAsync(OPTIONS.gapWaitMs); // the fill up to 3 starts
    sequencer.sweep(new Map([[1, 6]]));
    await settle();
    expect(emitted.map(([, seq]) => seq)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});
