import { RoomStreams } from './room-streams';

const frame = (seq: number, size = 10) => Buffer.alloc(size, seq % 256);

describe('RoomStreams', () => {
  it('sends a room its live changes after the number it was opened at, each once', () => {
    const streams = new RoomStreams(1_000);
    streams.open(5, 10);
    expect(streams.admitLive(5, 10, frame(10))).toBe('skip');
    expect(streams.admitLive(5, 11, frame(11))).toBe('send');
    expect(streams.admitLive(5, 11, frame(11))).toBe('skip');
    expect(streams.admitLive(5, 12, frame(12))).toBe('send');
    expect(streams.sentIn(5)).toBe(12);
    expect(streams.admitLive(6, 1, frame(1))).toBe('skip');
  });

  it('opening a room it is in already changes nothing', () => {
    const streams = new RoomStreams(1_000);
    streams.open(5, 10);
    streams.admitLive(5, 11, frame(11));
    streams.open(5, 3);
    expect(streams.sentIn(5)).toBe(11);
    expect(streams.admitLive(5, 11, frame(11))).toBe('skip');
  });

  it('holds live changes during a replay, leaves out of it what was sent live, then sends the rest held', () => {
    const streams = new RoomStreams(1_000);
    streams.open(5, 10);
    streams.admitLive(5, 11, frame(11));
    streams.admitLive(5, 12, frame(12));
    streams.startReplay(5);
    expect(streams.admitLive(5, 13, frame(13))).toBe('held');
    expect(streams.admitLive(5, 15, frame(15))).toBe('held');
    expect(streams.admitLive(5, 14, frame(14))).toBe('held');
    // The client resumes from 6; the database has up to 14.
    const replayed = [7, 8, 9, 10, 11, 12, 13, 14].filter((seq) => streams.admitReplay(5, 6, seq));
    expect(replayed).toEqual([7, 8, 9, 10, 13, 14]);
    expect(streams.admitReplay(5, 6, 6)).toBe(false);
    expect(streams.finishReplay(5, 6, 14)).toEqual([frame(15)]);
    expect(streams.sentIn(5)).toBe(15);
    expect(streams.admitLive(5, 14, frame(14))).toBe('skip');
    expect(streams.admitLive(5, 16, frame(16))).toBe('send');
    // The socket now has everything from 6 on: a second resume from 6 replays nothing.
    streams.startReplay(5);
    expect([7, 12, 16].filter((seq) => streams.admitReplay(5, 6, seq))).toEqual([]);
    expect(streams.finishReplay(5, 6, 16)).toEqual([]);
  });

  it('after recovered: false, sends live from the room number on, with what was held past it', () => {
    const streams = new RoomStreams(1_000);
    streams.open(5, 10);
    streams.startReplay(5);
    streams.admitLive(5, 11, frame(11));
    streams.admitLive(5, 12, frame(12));
    expect(streams.restartAt(5, 11)).toEqual([frame(12)]);
    expect(streams.admitLive(5, 12, frame(12))).toBe('skip');
    expect(streams.admitLive(5, 13, frame(13))).toBe('send');
  });

  it('release ends a hold that replayed nothing: what was held and not sent, in order', () => {
    const streams = new RoomStreams(1_000);
    streams.open(5, 10);
    streams.admitLive(5, 11, frame(11));
    streams.startReplay(5);
    streams.admitLive(5, 11, frame(11));
    streams.admitLive(5, 12, frame(12));
    streams.admitLive(5, 13, frame(13));
    expect(streams.release(5)).toEqual([frame(12), frame(13)]);
    expect(streams.release(5)).toEqual([]);
    expect(streams.admitLive(5, 14, frame(14))).toBe('send');
    expect(streams.release(9)).toEqual([]);
  });

  it('cuts off a socket whose held frames pass the bound, counting every room it holds', () => {
    const streams = new RoomStreams(25);
    streams.open(5, 0);
    streams.open(6, 0);
    streams.startReplay(5);
    streams.startReplay(6);
    expect(streams.admitLive(5, 1, frame(1))).toBe('held');
    expect(streams.admitLive(6, 1, frame(1))).toBe('held');
    expect(streams.admitLive(6, 2, frame(2, 6))).toBe('overflow');
  });

  it('forgets what a room held when the socket leaves it, and what a replay sent on', () => {
    const streams = new RoomStreams(25);
    streams.open(5, 0);
    streams.open(6, 0);
    streams.startReplay(5);
    streams.admitLive(5, 1, frame(1, 20));
    streams.close(5);
    expect(streams.has(5)).toBe(false);
    streams.startReplay(6);
    expect(streams.admitLive(6, 1, frame(1, 20))).toBe('held');
    expect(streams.finishReplay(6, 0, 0)).toEqual([frame(1, 20)]);
    streams.startReplay(6);
    expect(streams.admitLive(6, 2, frame(2, 20))).toBe('held');
  });

  it('keeps each room apart from one room to several and back, in the order they were opened', () => {
    const streams = new RoomStreams(25);
    expect(streams.roomIds()).toEqual([]);
    streams.open(1, 10);
    streams.startReplay(1);
    expect(streams.admitLive(1, 11, frame(11))).toBe('held');
    streams.open(7, 3);
    streams.open(4, 5);
    expect(streams.roomIds()).toEqual([1, 7, 4]);
    expect(streams.admitLive(7, 4, frame(4))).toBe('send');
    expect(streams.admitLive(4, 5, frame(5))).toBe('skip');
    // The held frame of room 1 still counts against the bound, whatever room holds the next ones.
    streams.startReplay(4);
    expect(streams.admitLive(4, 6, frame(6))).toBe('held');
    expect(streams.admitLive(4, 7, frame(7))).toBe('overflow');
    streams.close(1);
    expect(streams.has(1)).toBe(false);
    expect(streams.admitLive(1, 12, frame(12))).toBe('skip');
    expect(streams.release(4)).toEqual([frame(6), frame(7)]);
    streams.startReplay(4);
    expect(streams.admitLive(4, 8, frame(8, 25))).toBe('held');
    streams.close(7);
    streams.close(4);
    expect(streams.roomIds()).toEqual([]);
    streams.open(2, 1);
    expect(streams.roomIds()).toEqual([2]);
    expect(streams.sentIn(2)).toBe(1);
    expect(streams.sentIn(4)).toBeUndefined();
  });

  it('leaves a single room and takes another', () => {
    const streams = new RoomStreams(1_000);
    streams.open(1, 10);
    streams.close(1);
    expect(streams.roomIds()).toEqual([]);
    expect(streams.has(1)).toBe(false);
    streams.open(3, 2);
    expect([streams.has(1), streams.has(3), streams.sentIn(3)]).toEqual([false, true, 2]);
    expect(streams.admitLive(3, 3, frame(3))).toBe('send');
    expect(streams.admitReplay(3, 0, 3)).toBe(false);
    expect(streams.admitReplay(3, 0, 2)).toBe(true);
  });
});
