import { REPLAY_REPEAT_GRACE_MS, ReplayHold } from './replay-hold';

const frame = (text: string) => Buffer.from(text);
const BOUND = 100;

describe('ReplayHold', () => {
  it('holds live frames until released, then gives them back in the order they came', () => {
    const hold = new ReplayHold(null, BOUND);
    expect(hold.holding).toBe(true);
    hold.hold(frame('1'), 1);
    hold.hold(frame('edit'));
    hold.hold(frame('2'), 2);
    expect(hold.release(0)).toEqual([frame('1'), frame('edit'), frame('2')]);
    expect(hold.holding).toBe(false);
  });

  it('leaves out of the release the messages the replay carried, but no edit or deletion', () => {
    const hold = new ReplayHold(null, BOUND);
    hold.hold(frame('3'), 3);
    hold.hold(frame('delete 3'));
    hold.hold(frame('4'), 4);
    expect(hold.admit(3)).toBe(true);
    expect(hold.release(0)).toEqual([frame('delete 3'), frame('4')]);
  });

  it('replays no message the socket already got live, and none twice', () => {
    const hold = new ReplayHold(new Set([5, 7]), BOUND);
    expect([4, 5, 6, 7, 6, 4].map((id) => hold.admit(id))).toEqual([
      true,
      false,
      true,
      false,
      false,
      false,
    ]);
  });

  it('holds up to the bound, and says so once what it holds passes it', () => {
    const hold = new ReplayHold(null, BOUND);
    expect(hold.hold(Buffer.alloc(60), 1)).toBe(true);
    expect(hold.hold(Buffer.alloc(40), 2)).toBe(true);
    expect(hold.hold(Buffer.alloc(1))).toBe(false);
  });

  it(`drops live repeats of the replay for ${REPLAY_REPEAT_GRACE_MS} ms after the release`, () => {
    const hold = new ReplayHold(null, BOUND);
    hold.admit(8);
    hold.release(1_000);
    expect(hold.repeats(8)).toBe(true);
    expect(hold.repeats(9)).toBe(false);
    expect(hold.isOver(1_000 + REPLAY_REPEAT_GRACE_MS)).toBe(false);
    expect(hold.isOver(1_000 + REPLAY_REPEAT_GRACE_MS + 1)).toBe(true);
  });

  it('is not over while the replay runs, however long it takes', () => {
    const hold = new ReplayHold(null, BOUND);
    expect(hold.isOver(Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
