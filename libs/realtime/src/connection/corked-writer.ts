import type { Socket } from 'node:net';
import { WebSocket } from 'ws';

/** Told when the client does not read: its unsent data passed the bound after a flush. */
export interface SlowReaderHandler {
  dropAsSlow(): void;
}

/**
 * Writes complete frames from encodeFrame() straight to a ws socket's TCP socket: one shared
 * buffer for every recipient instead of ws framing it again per socket. Whole frames keep ws's own
 * frames (pings, close) intact around them. The socket stays corked until its flush, after this
 * event-loop turn's I/O at the earliest, so all the frames a turn brings a client leave in one
 * write (see flushWritten).
 */
export class CorkedWriter {
  private corked = false;

  constructor(
    private readonly socket: WebSocket,
    private readonly maxBufferedBytes: number,
    private readonly slowReader: SlowReaderHandler,
  ) {}

  /**
   * Queues a frame. `fanOut` is the number of sockets the frame goes to: one sent to more than a
   * turn flushes waits in the bulk lane; a socket already there that is given a smaller delivery
   * is listed in the prompt lane too, and leaves with its frames in order from whichever lane
   * comes to it first.
   */
  write(frame: Buffer, fanOut = 1): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    const prompt = fanOut <= FLUSH_SLICE;
    if (!this.corked) {
      this.corked = true;
      this.raw.cork();
      flushAfterThisTurn(this, prompt);
    } else if (prompt) {
      flushAfterThisTurn(this, true);
    }
    this.raw.write(frame);
  }

  /**
   * Sends what was corked; an open client whose unsent data passes the bound is dropped. A socket
   * moved to the prompt lane is still listed in the bulk lane: that later flush finds it sent
   * (unless written to since, when it is merely sent early).
   */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    this.raw.uncork();
    // A socket that closed while corked is gone, not slow.
    if (
      this.socket.readyState === WebSocket.OPEN &&
      this.socket.bufferedAmount > this.maxBufferedBytes
    ) {
      this.slowReader.dropAsSlow();
    }
  }

  private get raw(): Socket {
    return (this.socket as unknown as { _socket: Socket })._socket;
  }
}

/**
 * Sockets flushed per event-loop turn and lane. A broadcast to thousands of sockets is sent in
 * slices, and the frames and database replies that arrive meanwhile are handled between them
 * rather than after the last socket; until its slice comes a socket stays corked and gathers
 * further frames.
 */
export const FLUSH_SLICE = 100;

/**
 * Writers written to and not yet flushed, oldest first, in two lanes. A room's message to its 10
 * members would otherwise wait behind every socket of a broadcast to thousands (a large room's
 * online count, say: 5,000 sockets took ~150 ms here); each turn flushes a slice of both lanes, so
 * neither waits for the other to empty.
 */
const promptLane = new Set<CorkedWriter>();
const bulkLane = new Set<CorkedWriter>();
let flushScheduled = false;

/**
 * Lists the writer in a lane; one listed there already keeps its place, so a lane never holds
 * more entries than there are sockets.
 */
function flushAfterThisTurn(writer: CorkedWriter, prompt: boolean): void {
  (prompt ? promptLane : bulkLane).add(writer);
  if (!flushScheduled) {
    flushScheduled = true;
    setImmediate(flushWritten);
  }
}

function flushWritten(): void {
  try {
    flushSlice(promptLane);
    flushSlice(bulkLane);
  } finally {
    flushScheduled = promptLane.size > 0 || bulkLane.size > 0;
    if (flushScheduled) setImmediate(flushWritten);
  }
}

function flushSlice(lane: Set<CorkedWriter>): void {
  let flushed = 0;
  for (const writer of lane) {
    if (flushed++ === FLUSH_SLICE) return;
    lane.delete(writer);
    writer.flush();
  }
}
