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

  write(frame: Buffer): void {
    if (this.socket.readyState !== WebSocket.OPEN) return;
    if (!this.corked) {
      this.corked = true;
      this.raw.cork();
      flushAfterThisTurn(this);
    }
    this.raw.write(frame);
  }

  /** Sends what was corked; an open client whose unsent data passes the bound is dropped. */
  flush(): void {
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
 * Sockets flushed per event-loop turn. A broadcast to thousands of sockets is sent in slices, and
 * the frames and database replies that arrive meanwhile are handled between them rather than
 * after the last socket; until its slice comes a socket stays corked and gathers further frames.
 */
export const FLUSH_SLICE = 100;

/** Writers written to and not yet flushed, oldest first. */
const written: CorkedWriter[] = [];

function flushAfterThisTurn(writer: CorkedWriter): void {
  if (written.push(writer) === 1) setImmediate(flushWritten);
}

function flushWritten(): void {
  for (const writer of written.splice(0, FLUSH_SLICE)) writer.flush();
  if (written.length > 0) setImmediate(flushWritten);
}
