import { UserRooms } from './user-rooms';

describe('UserRooms', () => {
  function setUp() {
    let now = 0;
    const rooms = new Map<number, number[]>([[7, [1, 5]]]);
    const read = jest.fn((userId: number) => Promise.resolve(rooms.get(userId) ?? []));
    const userRooms = new UserRooms(read, () => now);
    return { userRooms, read, rooms, advance: (ms: number) => (now += ms) };
  }

  it('reads a user once for 10 s, then again', async () => {
    const { userRooms, read, rooms, advance } = setUp();
    expect(await userRooms.of(7)).toEqual([1, 5]);
    rooms.set(7, [1]);
    advance(9_999);
    expect(await userRooms.of(7)).toEqual([1, 5]);
    advance(1);
    expect(await userRooms.of(7)).toEqual([1]);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('reads afresh a user forgotten, even while a read of theirs was on its way', async () => {
    const { userRooms, read, rooms } = setUp();
    const before = userRooms.of(7);
    userRooms.forget(7);
    rooms.set(7, [1]);
    expect(await before).toEqual([1, 5]);
    expect(await userRooms.of(7)).toEqual([1]);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('shares one read between calls at once, and keeps no failed read', async () => {
    const { userRooms, read } = setUp();
    read.mockRejectedValueOnce(new Error('database away'));
    await expect(Promise.all([userRooms.of(7), userRooms.of(7)])).rejects.toThrow('away');
    expect(read).toHaveBeenCalledTimes(1);
    expect(await userRooms.of(7)).toEqual([1, 5]);
  });

  it('reads afresh when asked to, and keeps that read', async () => {
    const { userRooms, read, rooms } = setUp();
    await userRooms.of(7);
    rooms.set(7, [9]);
    expect(await userRooms.fresh(7)).toEqual([9]);
    expect(await userRooms.of(7)).toEqual([9]);
    expect(read).toHaveBeenCalledTimes(2);
  });

  it('serves a read started elsewhere as its own, and forgets it the same way', async () => {
    const { userRooms, read } = setUp();
    void userRooms.keep(7, Promise.resolve([3]));
    expect(await userRooms.of(7)).toEqual([3]);
    expect(read).not.toHaveBeenCalled();
    userRooms.forget(7);
    expect(await userRooms.of(7)).toEqual([1, 5]);
    const failed = userRooms.keep(8, Promise.reject(new Error('database away')));
    await expect(failed).rejects.toThrow('away');
    expect(await userRooms.of(8)).toEqual([]);
    expect(read).toHaveBeenCalledTimes(2);
  });
});
