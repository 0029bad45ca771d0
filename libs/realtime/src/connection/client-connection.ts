import { WebSocket } from 'ws';
import { AuthUser } from '@chat/auth';
import { ChatMessage } from '@chat/events';
import { encodeFrame } from '../frames/encode-frame';
import { messageFrame, Notice, noticeFrame, ServerFrame } from '../frames/server-frames';
import { RoomStreams } from '../v2/room-streams';
import { ErrorCode, errorFrame, ServerFrame as V2ServerFrame } from '@chat/protocol';
import { CLOSE_GOING_AWAY, CLOSE_POLICY_VIOLATION } from './close-codes';
import { CorkedWriter, SlowReaderHandler } from './corked-writer';
import { OrderedWorkQueue, TaskFailureHandler } from './ordered-work-queue';
import { ReplayHold } from './replay-hold';

/** How a v2 socket is told what a notice tells a compat one. */
const V2_CODES: Record<Notice, ErrorCode> = {
  'Invalid format': 'invalid_frame',
  'Invalid token': 'invalid_token',
  'Token expired': 'token_expired',
  'Not authenticated': 'not_authenticated',
  'Rate limit exceeded': 'rate_limited',
  'Temporarily unavailable': 'unavailable',
  Banned: 'banned',
  Muted: 'forbidden',
};

/** What a connection reports to its owner. */
export interface ConnectionObserver {
  slowConsumer(connection: ClientConnection): void;
  frameFailed(connection: ClientConnection, error: unknown): void;
  /** A frame sent to this client alone (broadcasts are counted where they fan out). */
  frameSent(): void;
}

/**
 * One socket and what the server knows of it: its caller, its work queue, its writer and the
 * state of its latest resume. The parts report back through this object's methods rather than
 * closures, which would cost every idle socket some 150 bytes more.
 */
export class ClientConnection implements TaskFailureHandler, SlowReaderHandler {
  private caller: AuthUser | null = null;
  /** Cleared by each ping, set by the pong that answers it. */
  alive = true;
  /** The registry's broadcast count when this socket joined (see messagesSentTo). */
  broadcastsFrom = 0;
  /** The registry's count of sockets added before this one: its turn in the heartbeat. */
  serial = 0;
  private readonly work: OrderedWorkQueue;
  private readonly writer: CorkedWriter;
  /** The latest resume, until its grace period is over. */
  private replayHold: ReplayHold | null = null;
  /** For a chat.v2 socket, its rooms (see RoomStreams); null for a compat socket. */
  streams: RoomStreams | null = null;

  constructor(
    readonly socket: WebSocket,
    /** The client's address (through trusted proxies) as the per-address cap counts it. */
    readonly address: string,
    private readonly maxBufferedBytes: number,
    private readonly observer: ConnectionObserver,
  ) {
    this.work = new OrderedWorkQueue(socket, this);
    this.writer = new CorkedWriter(socket, maxBufferedBytes, this);
  }

  /** The caller of the token this socket was given (at connect); frames may then omit theirs. */
  get user(): AuthUser | null {
    return this.caller;
  }

  /**
   * Takes the socket's caller. When the token expires, its frames are refused at once and the
   * registry's sweep closes the socket (see closeIfExpired).
   */
  signIn(user: AuthUser): void {
    this.caller = user;
  }

  /** Whether the socket's token has expired (its timer may not have fired yet). */
  tokenExpired(now: number): boolean {
    return this.caller?.expiresAt !== undefined && now >= this.caller.expiresAt;
  }

  /**
   * Tells the client its token expired and closes the socket, if it did. One sweep over every
   * socket does this rather than a timer per socket, which cost each idle socket some 300 bytes.
   */
  closeIfExpired(now: number): void {
    if (this.isOpen && this.tokenExpired(now)) this.refuse('Token expired');
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  get bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  get waitingFrames(): number {
    return this.work.size;
  }

  /** Handles this client's frames one at a time, in the order they came. */
  enqueue(task: () => Promise<void>): void {
    this.work.enqueue(task);
  }

  /**
   * A broadcast to `fanOut` sockets, serialised once for every socket: sent now, or held while a
   * replay runs.
   */
  deliver(data: Buffer, messageId?: number, fanOut = 1): void {
    const replay = this.replayHold;
    if (replay !== null) {
      if (replay.holding) {
        if (!replay.hold(data, messageId)) this.dropAsSlow();
        return;
      }
      if (messageId !== undefined && this.repeatsReplay(replay, messageId)) return;
    }
    this.writer.write(data, fanOut);
  }

  /**
   * A room's change, serialised once for its `fanOut` sockets here: sent unless this v2 socket has
   * it.
   */
  deliverToRoom(data: Buffer, roomId: number, seq: number, fanOut = 1): void {
    const verdict = this.streams?.admitLive(roomId, seq, data);
    if (verdict === 'send') this.writer.write(data, fanOut);
    else if (verdict === 'overflow') this.dropAsSlow();
  }

  /** Sends a frame to this client alone. */
  send(frame: ServerFrame | V2ServerFrame): void {
    this.observer.frameSent();
    this.writer.write(encodeFrame(frame));
  }

  /** Sends frames serialised for several sockets, to this one of the `fanOut` they go to. */
  sendEncoded(frames: Buffer[], fanOut = 1): void {
    for (const data of frames) this.writer.write(data, fanOut);
  }

  /** A notice, as a v1 notice or, on a v2 socket, as an error frame. */
  notify(notice: Notice): void {
    if (this.streams) this.send(errorFrame(undefined, V2_CODES[notice], notice));
    else this.send(noticeFrame(notice));
  }

  /**
   * Closes with 1001 and sends the close frame at once, with whatever is corked before it: the
   * server is about to destroy the sockets that are still open.
   */
  goAway(reason: string): void {
    if (this.isOpen) this.socket.close(CLOSE_GOING_AWAY, reason);
    this.writer.flush();
  }

  /** Tells the client why, then closes with 1008. */
  refuse(notice: Notice): void {
    this.notify(notice);
    if (this.isOpen) this.socket.close(CLOSE_POLICY_VIOLATION, notice);
  }

  /** A site ban: v2 is told why and until when (`detail`), v1 that it is banned; then closed. */
  ban(detail: string): void {
    if (this.streams) this.send(errorFrame(undefined, 'banned', detail));
    else this.send(noticeFrame('Banned'));
    if (this.isOpen) this.socket.close(CLOSE_POLICY_VIOLATION, 'Banned');
  }

  /**
   * Starts a replay: broadcasts are held back until release(), and messages in `sentLive` (what
   * this socket already got live, when known) are not replayed.
   */
  startReplay(sentLive: ReadonlySet<number> | null): void {
    this.replayHold = new ReplayHold(sentLive, this.maxBufferedBytes);
  }

  /** Sends a stored message as part of the replay, unless the socket already has it. */
  replay(message: ChatMessage): void {
    if (this.replayHold?.admit(message.message_id)) this.send(messageFrame(message));
  }

  /** Ends the replay: sends what was held back, less the messages the replay carried. */
  release(): void {
    for (const data of this.replayHold?.release(Date.now()) ?? []) this.writer.write(data);
  }

  /** Whether the latest replay, within its grace period, already carried this message. */
  private repeatsReplay(replay: ReplayHold, messageId: number): boolean {
    if (replay.isOver(Date.now())) {
      this.replayHold = null;
      return false;
    }
    return replay.repeats(messageId);
  }

  /** For the work queue: a frame's handling failed. */
  taskFailed(error: unknown): void {
    this.observer.frameFailed(this, error);
  }

  /** For the writer, and when a replay holds too much: the client does not read; it is cut off. */
  dropAsSlow(): void {
    this.replayHold = null;
    this.observer.slowConsumer(this);
    this.socket.terminate();
  }
}
