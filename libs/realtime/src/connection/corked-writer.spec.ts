import { WebSocket } from 'ws';
import { CorkedWriter, FLUSH_SLICE } from './corked-writer';

/** A ws socket over a TCP socket that records corks and writes. */
function fakeSocket() {
  const tcp = {
    corked: 0,
    writes: [] as Buffer[][],
    cork: jest.fn(),
    uncork: jest.fn(),
    write: jest.fn(),
  };
  tcp.cork.mockImplementation(() => {
    tcp.corked++;
    tcp.writes.push([]);
  });
  tcp.uncork.mockImplementation(() => tcp.corked--);
  tcp.write.mockImplementation((data: Buffer) => tcp.writes.at(-1)!.push(data));
  const socket = { readyState: WebSocket.OPEN as number, bufferedAmount: 0, _socket: tcp };
  return { socket, tcp, asWebSocket: socket as unknown as WebSocket };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
const frame = (text: string) => Buffer.from(text);
const BOUND = 1_000;

describe('CorkedWriter', () => {
  it('sends the frames of one event-loop turn in one corked write, after the turn', async () => {
    const { tcp, asWebSocket } = fakeSocket();
    const writer = new CorkedWriter(asWebSocket, BOUND, { dropAsSlow: jest.fn() });
    writer.write(frame('a'));
    writer.write(frame('b'));
    writer.write(frame('c'));
    expect(tcp.cork).toHaveBeenCalledTimes(1);
    expect(tcp.uncork).not.toHaveBeenCalled();
    await nextTurn();
    expect(tcp.uncork).toHaveBeenCalledTimes(1);
    expect(tcp.writes).toEqual([[frame('a'), frame('b'), frame('c')]]);
    expect(tcp.corked).toBe(0);
  });

  it('corks again for the frames of a later turn', async () => {
    const { tcp, asWebSocket } = fakeSocket();
    const writer = new CorkedWriter(asWebSocket, BOUND, { dropAsSlow: jest.fn() });
    writer.write(frame('a'));
    await nextTurn();
    writer.write(frame('b'));
    writer.write(frame('c'));
    await nextTurn();
    expect(tcp.writes).toEqual([[frame('a')], [frame('b'), frame('c')]]);
    expect(tcp.corked).toBe(0);
  });

  it('writes nothing to a socket that is no longer open', async () => {
    const { socket, tcp, asWebSocket } = fakeSocket();
    socket.readyState = WebSocket.CLOSING;
    const writer = new CorkedWriter(asWebSocket, BOUND, { dropAsSlow: jest.fn() });
    writer.write(frame('a'));
    await nextTurn();
    expect(tcp.write).not.toHaveBeenCalled();
    expect(tcp.cork).not.toHaveBeenCalled();
  });

  it('drops a client whose unsent data is past the bound once flushed, not one at it', async () => {
    const { socket, asWebSocket } = fakeSocket();
    const slow = { dropAsSlow: jest.fn() };
    const writer = new CorkedWriter(asWebSocket, BOUND, slow);
    socket.bufferedAmount = BOUND;
    writer.write(frame('a'));
    await nextTurn();
    expect(slow.dropAsSlow).not.toHaveBeenCalled();
    socket.bufferedAmount = BOUND + 1;
    writer.write(frame('b'));
    expect(slow.dropAsSlow).not.toHaveBeenCalled();
    await nextTurn();
    expect(slow.dropAsSlow).toHaveBeenCalledTimes(1);
  });

  it('does not call a socket that closed while corked slow, and still uncorks it', async () => {
    const { socket, tcp, asWebSocket } = fakeSocket();
    const slow = { dropAsSlow: jest.fn() };
    const writer = new CorkedWriter(asWebSocket, BOUND, slow);
    writer.write(frame('a'));
    socket.bufferedAmount = BOUND * 10;
    socket.readyState = WebSocket.CLOSED;
    await nextTurn();
    expect(tcp.uncork).toHaveBeenCalledTimes(1);
    expect(slow.dropAsSlow).not.toHaveBeenCalled();
  });

  it(`flushes ${FLUSH_SLICE} sockets a turn, oldest first, the rest gathering frames meanwhile`, async () => {
    const sockets = Array.from({ length: FLUSH_SLICE * 2 + 50 }, () => fakeSocket());
    const writers = sockets.map(
      ({ asWebSocket }) => new CorkedWriter(asWebSocket, BOUND, { dropAsSlow: jest.fn() }),
    );
    for (const writer of writers) writer.write(frame('a'));
    const flushed = () => sockets.filter(({ tcp }) => tcp.uncork.mock.calls.length > 0).length;
    await nextTurn();
    expect(flushed()).toBe(FLUSH_SLICE);
    expect(sockets.slice(0, FLUSH_SLICE).every(({ tcp }) => tcp.corked === 0)).toBe(true);
    writers.at(-1)!.write(frame('b'));
    await nextTurn();
    expect(flushed()).toBe(FLUSH_SLICE * 2);
    await nextTurn();
    expect(flushed()).toBe(sockets.length);
    expect(sockets.at(-1)!.tcp.writes).toEqual([[frame('a'), frame('b')]]);
    expect(sockets.every(({ tcp }) => tcp.cork.mock.calls.length === 1)).toBe(true);
  });

  describe('a fan-out to more sockets than a turn flushes', () => {
    const BULK = FLUSH_SLICE * 3;
    const open = (count: number) => {
      const sockets = Array.from({ length: count }, () => fakeSocket());
      const writers = sockets.map(
        ({ asWebSocket }) => new CorkedWriter(asWebSocket, BOUND, { dropAsSlow: jest.fn() }),
      );
      const flushed = () => sockets.filter(({ tcp }) => tcp.uncork.mock.calls.length > 0).length;
      return { sockets, writers, flushed };
    };

    it("does not hold back a small room's delivery written after it", async () => {
      const crowd = open(BULK);
      for (const writer of crowd.writers) writer.write(frame('count'), BULK);
      const room = open(10);
      for (const writer of room.writers) writer.write(frame('message'), 10);
      await nextTurn();
      expect(room.flushed()).toBe(10);
      expect(crowd.flushed()).toBe(FLUSH_SLICE);
      await nextTurn();
      await nextTurn();
      expect(crowd.flushed()).toBe(BULK);
    });

    it('sends a waiting socket its fan-out frame and a later small one together, in order', async () => {
      const crowd = open(BULK);
      for (const writer of crowd.writers) writer.write(frame('count'), BULK);
      crowd.writers.at(-1)!.write(frame('message'), 10);
      await nextTurn();
      const last = crowd.sockets.at(-1)!.tcp;
      expect(last.writes).toEqual([[frame('count'), frame('message')]]);
      expect(last.corked).toBe(0);
      await nextTurn();
      await nextTurn();
      expect(crowd.flushed()).toBe(BULK);
      expect(last.uncork).toHaveBeenCalledTimes(1);
    });

    it('goes on while small deliveries keep coming', async () => {
      const crowd = open(BULK);
      for (const writer of crowd.writers) writer.write(frame('count'), BULK);
      for (let turn = 0; turn < 3; turn++) {
        for (const writer of open(FLUSH_SLICE * 2).writers) writer.write(frame('message'), 10);
        await nextTurn();
      }
      expect(crowd.flushed()).toBe(BULK);
    });

    it('holds no socket back longer as small deliveries keep moving others up', async () => {
      const crowd = open(BULK);
      const victim = open(1);
      const bulk = [...crowd.writers, ...victim.writers];
      const waits: number[] = [];
      let corkedAt = -1;
      for (let turn = 0; turn < 60; turn++) {
        for (const writer of bulk) writer.write(frame('count'), bulk.length);
        if (corkedAt < 0) corkedAt = turn;
        for (let i = 0; i < FLUSH_SLICE; i++) {
          crowd.writers[(turn * FLUSH_SLICE + i) % BULK].write(frame('message'), 10);
        }
        const flushes = victim.sockets[0].tcp.uncork.mock.calls.length;
        await nextTurn();
        if (victim.sockets[0].tcp.uncork.mock.calls.length > flushes) {
          waits.push(turn - corkedAt + 1);
          corkedAt = -1;
        }
      }
      // A bulk socket waits for the sockets before it: at most one slice a turn.
      expect(Math.max(...waits)).toBeLessThanOrEqual(Math.ceil(bulk.length / FLUSH_SLICE) + 1);
    });
  });
});
