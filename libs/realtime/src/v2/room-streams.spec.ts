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
});
