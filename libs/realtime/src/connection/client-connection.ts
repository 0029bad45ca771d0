import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { AuthUser } from '@chat/auth';
import { noticeFrame } from './frames';

/** Close codes of RFC 6455 that the contract uses. */
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * Frames of one client waiting to be handled. At the high mark the socket is no longer read, so
 * TCP slows the sender down and the queue holds at most what ws had already read; it is read
 * again once the queue is down to the low mark.
 */
const PAUSE_AT_WAITING_FRAMES = 32;
const RESUME_AT_WAITING_FRAMES = 8;
/**
 * After a replay, a live copy of a message it carried may still arrive (stored before the replay
 * read it, broadcast after): for this long such copies are dropped.
 */
const REPLAY_REPEAT_GRACE_MS = 5_000;
/** setTimeout's longest delay; a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
export const TOKEN_EXPIRED = 'Token expired';

/** What a connection reports to its owner. */
export interface ConnectionObserver {
  slowConsumer(connection: ClientConnection): void;
  frameFailed(connection: ClientConnection, error: unknown): void;
  /** A frame sent to this client alone (broadcasts are counted where they fan out). */
  frameSent(): void;
}

interface HeldFrame {
  data: Buffer;
  messageId?: number;
}

/** One socket and what the server knows of it. */
export class ClientConnection {
  private caller: AuthUser | null = null;
  private expiryTimer?: NodeJS.Timeout;
  /** Cleared by each ping, set by the pong that answers it. */
  alive = true;
  private waiting = 0;
  private chain: Promise<void> = Promise.resolve();
  private held: HeldFrame[] | null = null;
  private heldBytes = 0;
  /** The registry's broadcast count when this socket joined (see messagesSentTo). */
  broadcastsFrom = 0;
  /** During a replay: messages this socket already got live, which the replay leaves out. */
  private sentLive: Set<number> | null = null;
  /** Messages the latest replay sent; their live copies are dropped until `replayedUntil`. */
  private replayed: Set<number> | null = null;
  private replayedUntil = 0;
  private corked = false;

  constructor(
    readonly socket: WebSocket,
    /** The client's address (through trusted proxies) as the per-address cap counts it. */
    readonly address: string,
    private readonly maxBufferedBytes: number,
    private readonly observer: ConnectionObserver,
  ) {}

  /** The caller of the token this socket was given (at connect); frames may then omit theirs. */
  get user(): AuthUser | null {
    return this.caller;
  }

  /** Takes the socket's caller; when the token expires the socket is told so and closed. */
  signIn(user: AuthUser): void {
    this.caller = user;
    clearTimeout(this.expiryTimer);
    if (user.expiresAt !== undefined) this.closeAt(user.expiresAt);
  }

  /** Whether the socket's token has expired (its timer may not have fired yet). */
  tokenExpired(now: number): boolean {
    return this.caller?.expiresAt !== undefined && now >= this.caller.expiresAt;
  }

  /** Lets go of what the connection holds, once its socket has closed. */
  closed(): void {
    clearTimeout(this.expiryTimer);
  }

  private closeAt(expiresAt: number): void {
    const delay = Math.max(expiresAt - Date.now(), 0);
    this.expiryTimer = setTimeout(
      () => (delay > MAX_TIMER_MS ? this.closeAt(expiresAt) : this.refuse(TOKEN_EXPIRED)),
      Math.min(delay, MAX_TIMER_MS),
    );
    this.expiryTimer.unref();
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  get waitingFrames(): number {
    return this.waiting;
  }

  /** Handles this client's frames one at a time, in the order they came. */
  enqueue(task: () => Promise<void>): void {
    if (++this.waiting === PAUSE_AT_WAITING_FRAMES) this.socket.pause();
    this.chain = this.chain
      .then(task)
      .catch((error: unknown) => this.observer.frameFailed(this, error))
      .finally(() => {
        if (--this.waiting === RESUME_AT_WAITING_FRAMES && this.socket.isPaused) {
          this.socket.resume();
        }
      });
  }

  /** A broadcast: sent now, or kept for after a replay that is under way. */
  deliver(data: Buffer, messageId?: number): void {
    if (this.held) {
      this.held.push({ data, messageId });
      this.heldBytes += data.length;
      if (this.heldBytes > this.maxBufferedBytes) this.dropAsSlow();
      return;
    }
    if (messageId !== undefined && this.repeatsReplay(messageId)) return;
    this.write(data);
  }

  /** Sends a frame to this client alone. */
  send(data: Buffer): void {
    this.observer.frameSent();
    this.write(data);
  }

  /**
   * Starts a replay: broadcasts are kept back until release(), and messages in `sentLive` (what
   * this socket already got live, when known) are not replayed.
   */
  startReplay(sentLive: Set<number> | null): void {
    this.held = [];
    this.heldBytes = 0;
    this.sentLive = sentLive;
    this.replayed = new Set();
  }

  /** Sends a stored message as part of the replay, unless the socket already has it. */
  replay(data: Buffer, messageId: number): void {
    if (!this.replayed || this.replayed.has(messageId) || this.sentLive?.has(messageId)) return;
    this.replayed.add(messageId);
    this.send(data);
  }

  notify(message: string): void {
    this.send(noticeFrame(message));
  }

  /** Tells the client why, then closes with 1008. */
  refuse(message: string): void {
    this.notify(message);
    if (this.isOpen) this.socket.close(CLOSE_POLICY_VIOLATION, message);
  }

  /** Ends the replay: sends what was kept back, less the messages the replay carried. */
  release(): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    this.sentLive = null;
    this.replayedUntil = Date.now() + REPLAY_REPEAT_GRACE_MS;
    for (const frame of held) {
      if (frame.messageId === undefined || !this.replayed?.has(frame.messageId)) {
        this.write(frame.data);
      }
    }
  }

  /** Whether the latest replay, within its grace period, already carried this message. */
  private repeatsReplay(messageId: number): boolean {
    if (!this.replayed) return false;
    if (Date.now() > this.replayedUntil) {
      this.replayed = null;
      return false;
    }
    return this.replayed.has(messageId);
  }

  /**
   * Writes a complete frame from encodeFrame() straight to the TCP socket: one shared buffer for
   * every recipient instead of ws framing it again per socket. Whole frames keep ws's own frames
   * (pings, close) intact around them. The socket stays corked until its flush, after this
   * event-loop turn's I/O at the earliest, so all the frames a turn brings a client leave in one
   * write (see flushWritten).
   */
  private write(frame: Buffer): void {
    if (!this.isOpen) return;
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
    if (this.isOpen && this.socket.bufferedAmount > this.maxBufferedBytes) this.dropAsSlow();
  }

  private get raw(): Socket {
    return (this.socket as unknown as { _socket: Socket })._socket;
  }

  private dropAsSlow(): void {
    this.held = null;
    this.heldBytes = 0;
    this.sentLive = null;
    this.replayed = null;
    this.observer.slowConsumer(this);
    this.socket.terminate();
  }
}

/**
 * Sockets flushed per event-loop turn. A broadcast to thousands of sockets is sent in slices, and
 * the frames and database replies that arrive meanwhile are handled between them rather than
 * after the last socket; until its slice comes a socket stays corked and gathers further frames.
 */
const FLUSH_SLICE = 100;

/** Connections written to and not yet flushed, oldest first. */
const written: ClientConnection[] = [];

function flushAfterThisTurn(connection: ClientConnection): void {
  if (written.push(connection) === 1) setImmediate(flushWritten);
}

function flushWritten(): void {
  for (const connection of written.splice(0, FLUSH_SLICE)) connection.flush();
  if (written.length > 0) setImmediate(flushWritten);
}
