import { RoomSizes } from './room-sizes';

describe('RoomSizes', () => {
  function setUp() {
    let now = 0;
    const members = new Map([
      [1, 500],
      [2, 3],
    ]);
    const read = jest.fn((roomIds: number[]) =>
      Promise.resolve(
        new Map(roomIds.flatMap((id) => (members.has(id) ? [[id, members.get(id)!]] : []))),
      ),
    );
    const sizes = new RoomSizes(read, () => now);
    return { sizes, read, members, advance: (ms: number) => (now += ms) };
  }

  it('reads only the rooms it does not know, in one query', async () => {
    const { sizes, read } = setUp();
    expect(await sizes.of([1, 2])).toEqual(
      new Map([
        [1, 500],
        [2, 3],
      ]),
    );
    expect(await sizes.of([2, 1, 9])).toEqual(
      new Map([
        [2, 3],
        [1, 500],
        [9, 0],
      ]),
    );
    expect(read.mock.calls).toEqual([[[1, 2]], [[9]]]);
  });

  it('shares one read among the asks that come while it runs (a wave of sign-ins)', async () => {
    const { sizes, read } = setUp();
    const answers = await Promise.all([sizes.of([1, 2]), sizes.of([2, 1]), sizes.of([1, 9])]);
    expect(answers.map((answer) => [...answer])).toEqual([
      [
        [1, 500],
        [2, 3],
      ],
      [
        [2, 3],
        [1, 500],
      ],
      [
        [1, 500],
        [9, 0],
      ],
    ]);
    expect(read.mock.calls).toEqual([[[1, 2]], [[9]]]);
  });

  it('reads a room again after a read of it failed', async () => {
    const { sizes, read } = setUp();
    read.mockRejectedValueOnce(new Error('database down'));
    await expect(sizes.of([2])).rejects.toThrow('database down');
    expect(await sizes.of([2])).toEqual(new Map([[2, 3]]));
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('answers for a known room too when the new ones overflow what it keeps', async () => {
    const { sizes } = setUp();
    await sizes.of(Array.from({ length: 9_999 }, (_, i) => i + 1));
    expect(await sizes.of([1, 20_001, 20_002])).toEqual(
      new Map([
        [1, 500],
        [20_001, 0],
        [20_002, 0],
      ]),
    );
  });

  it('reads a room again once its size is 30 s old', async () => {
    const { sizes, read, members, advance } = setUp();
    await sizes.of([2]);
    members.set(2, 200);
    advance(29_999);
    expect((await sizes.of([2])).get(2)).toBe(3);
    advance(1);
    expect((await sizes.of([2])).get(2)).toBe(200);
    expect(read).toHaveBeenCalledTimes(2);
  });
});

describe('RoomSizes when the wall clock is set back', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('still reads a room again after 30 s', async () => {
    const read = jest.fn((roomIds: number[]) =>
      Promise.resolve(new Map(roomIds.map((id) => [id, 3]))),
    );
    const sizes = new RoomSizes(read);
    await sizes.of([1]);
    jest.setSystemTime(Date.now() - 3_600_000);
    jest.advanceTimersByTime(30_000);
    await sizes.of([1]);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
