import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { AuthUser } from '@chat/auth';
import { noticeFrame } from './frames';

/** Close codes of RFC 6455 that the contract uses. */
export const CLOSE_POLICY_VIOLATION = 1008;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_TOO_LARGE = 1009;
export const CLOSE_TRY_AGAIN_LATER = 1013;

/** Frames of one client waiting to be handled; past this the client is told to slow down. */
const MAX_WAITING_FRAMES = 32;
/**
 * For this long after connecting (and this many messages), a socket remembers which messages it
 * was sent, so that a resume racing live traffic sends each message once.
 */
const EARLY_WINDOW_MS = 10_000;
const EARLY_WINDOW_MESSAGES = 2_048;

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
  /** The caller of a token given at connect (`/ws?token=`); frames may then omit theirs. */
  user: AuthUser | null = null;
  /** Cleared by each ping, set by the pong that answers it. */
  alive = true;
  private waiting = 0;
  private chain: Promise<void> = Promise.resolve();
  private held: HeldFrame[] | null = null;
  private heldBytes = 0;
  private readonly openedAt = Date.now();
  private trackingEarlyMessages = true;
  /** Ids of messages sent to this socket in its first seconds (see alreadySent). */
  private earlyMessageIds?: Set<number>;

  constructor(
    readonly socket: WebSocket,
    /** The client's address (through trusted proxies). */
    readonly address: string,
    private readonly maxBufferedBytes: number,
    private readonly observer: ConnectionObserver,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  /** Handles this client's frames one at a time, in the order they came; false when too many wait. */
  enqueue(task: () => Promise<void>): boolean {
    if (this.waiting >= MAX_WAITING_FRAMES) return false;
    this.waiting++;
    this.chain = this.chain
      .then(task)
      .catch((error: unknown) => this.observer.frameFailed(this, error))
      .finally(() => this.waiting--);
    return true;
  }

  /** A broadcast: sent now, or kept for after a replay that is under way. */
  deliver(data: Buffer, messageId?: number): void {
    if (!this.held) return this.writeMessage(data, messageId);
    this.held.push({ data, messageId });
    this.heldBytes += data.length;
    if (this.heldBytes > this.maxBufferedBytes) this.dropAsSlow();
  }

  /** Sends a frame to this client alone. */
  send(data: Buffer): void {
    this.observer.frameSent();
    this.write(data);
  }

  /** Sends a stored message to this client alone (a replay), unless it already has it. */
  sendMessage(data: Buffer, messageId: number): void {
    if (this.alreadySent(messageId)) return;
    this.observer.frameSent();
    this.writeMessage(data, messageId);
  }

  notify(message: string): void {
    this.send(noticeFrame(message));
  }

  /** Tells the client why, then closes with 1008. */
  refuse(message: string): void {
    this.notify(message);
    if (this.isOpen) this.socket.close(CLOSE_POLICY_VIOLATION, message);
  }

  /** Starts keeping broadcasts back while stored messages are replayed. */
  hold(): void {
    this.held = [];
    this.heldBytes = 0;
  }

  /** Sends what was kept back, less the messages the replay already carried. */
  release(lastReplayedId: number): void {
    const held = this.held ?? [];
    this.held = null;
    this.heldBytes = 0;
    for (const frame of held) {
      // While the socket remembers what it was sent, writeMessage skips repeats; after, the
      // replay's last id tells what it carried.
      const replayed =
        !this.trackingEarlyMessages &&
        frame.messageId !== undefined &&
        frame.messageId <= lastReplayedId;
      if (!replayed) this.writeMessage(frame.data, frame.messageId);
    }
  }

  /**
   * Whether a message already went to this socket. Known for its first seconds, when a client
   * that reconnected resumes while live messages arrive: each reaches it once.
   */
  private alreadySent(messageId: number): boolean {
    return this.earlyMessageIds?.has(messageId) ?? false;
  }

  private writeMessage(frame: Buffer, messageId: number | undefined): void {
    if (messageId === undefined || !this.trackingEarlyMessages) return this.write(frame);
    if (this.alreadySent(messageId)) return;
    this.write(frame);
    this.noteEarlyMessage(messageId);
  }

  /**
   * Writes a complete frame from encodeFrame() straight to the TCP socket: one shared buffer for
   * every recipient instead of ws framing it again per socket. Whole frames keep ws's own frames
   * (pings, close) intact around them. A client whose unsent data passes the bound is dropped.
   */
  private write(frame: Buffer): void {
    if (!this.isOpen) return;
    this.raw.write(frame);
    if (this.socket.bufferedAmount > this.maxBufferedBytes) this.dropAsSlow();
  }

  private get raw(): Socket {
    return (this.socket as unknown as { _socket: Socket })._socket;
  }

  private noteEarlyMessage(messageId: number): void {
    const ids = this.earlyMessageIds ?? new Set<number>();
    if (Date.now() - this.openedAt > EARLY_WINDOW_MS || ids.size >= EARLY_WINDOW_MESSAGES) {
      return this.stopTrackingEarlyMessages();
    }
    this.earlyMessageIds = ids.add(messageId);
  }

  private stopTrackingEarlyMessages(): void {
    this.trackingEarlyMessages = false;
    this.earlyMessageIds = undefined;
  }

  private dropAsSlow(): void {
    this.held = null;
    this.heldBytes = 0;
    this.observer.slowConsumer(this);
    this.socket.terminate();
  }
}
