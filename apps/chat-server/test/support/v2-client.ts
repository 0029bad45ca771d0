import { RawData, WebSocket } from 'ws';
import { serverFrameProblem, SUBPROTOCOL } from '@chat/protocol';

const WAIT_MS = 5_000;

export type Frame = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Frames a V2Client received that break the protocol's schemas (see frame-conformance.ts). */
const nonconforming: string[] = [];

/** The nonconforming frames seen since the last call. */
export function takeNonconformingFrames(): string[] {
  return nonconforming.splice(0);
}

/** A user as the factories give it: what a v2 socket needs to authenticate. */
export interface V2User {
  id: number;
  token: string;
}

/**
 * A real `ws` client speaking the chat.v2 protocol (docs/protocol.md): it records every frame it
 * receives, answers requests by their `req`, and waits for frames by predicate.
 */
export class V2Client {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  /** The ack of the auth frame, once `connect` authenticated the socket. */
  authAck: Frame = {};
  private waiters: (() => void)[] = [];
  private requests = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: RawData) => {
      const frame = JSON.parse(data.toString()) as Frame;
      const problem = serverFrameProblem(frame);
      if (problem) nonconforming.push(`${problem}: ${JSON.stringify(frame)}`);
      this.frames.push(frame);
      this.wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        this.wake();
      }),
    );
  }

  /** Opens a socket offering `protocols` (chat.v2 by default), without authenticating. */
  static async open(
    baseUrl: string,
    protocols: string | string[] = SUBPROTOCOL,
  ): Promise<V2Client> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`, protocols);
    const client = new V2Client(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return client;
  }

  /** Opens a chat.v2 socket and authenticates it as `user`; throws unless the auth is acked. */
  static async connect(baseUrl: string, user: V2User): Promise<V2Client> {
    const client = await V2Client.open(baseUrl);
    const answer = await client.request({ type: 'auth', token: user.token });
    if (answer.type !== 'ack') throw new Error(`auth refused: ${JSON.stringify(answer)}`);
    client.authAck = answer;
    return client;
  }

  /** Sends a frame as JSON (a string is sent as it is). */
  send(frame: unknown): void {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /**
   * Sends a frame with a `req` of its own (unless it has one) and resolves with the ack or error
   * that answers it.
   */
  async request(frame: Frame): Promise<Frame> {
    const req = typeof frame.req === 'string' ? frame.req : `r${++this.requests}`;
    const from = this.frames.length;
    this.send({ ...frame, req });
    return this.next(
      (answer) => answer.req === req && (answer.type === 'ack' || answer.type === 'error'),
      `an answer to ${req}`,
      from,
    );
  }

  /** Like `request`, but throws unless the answer is an ack. */
  async ok(frame: Frame): Promise<Frame> {
    const answer = await this.request(frame);
    if (answer.type !== 'ack') throw new Error(`${frame.type} refused: ${JSON.stringify(answer)}`);
    return answer;
  }

  /**
   * Resolves with the first frame received from index `from` on that matches `predicate`, waiting
   * up to 5 s for it.
   */
  async next(
    predicate: (frame: Frame) => boolean,
    label = 'a matching frame',
    from = 0,
  ): Promise<Frame> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.frames.slice(from).find(predicate);
      if (found) return found;
      if (Date.now() > deadline || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(`no ${label} within ${WAIT_MS} ms; got ${JSON.stringify(this.frames)}`);
      }
      await this.waitForActivity(deadline - Date.now());
    }
  }

  /** Waits until `count` frames from index `from` on match `predicate`; resolves with them. */
  async collect(predicate: (frame: Frame) => boolean, count: number, from = 0): Promise<Frame[]> {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const found = this.frames.slice(from).filter(predicate);
      if (found.length >= count) return found;
      if (Date.now() > deadline || this.socket.readyState === WebSocket.CLOSED) {
        throw new Error(
          `expected ${count} frames, got ${found.length}: ${JSON.stringify(this.frames.slice(from))}`,
        );
      }
      await this.waitForActivity(deadline - Date.now());
    }
  }

  /** The events of a room (frames carrying its room_id and a seq, answers aside), in order. */
  roomFrames(roomId: number, from = 0): Frame[] {
    return this.frames.slice(from).filter(isRoomEvent(roomId));
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  close(): void {
    this.socket.close();
  }

  /** Closes and waits until the server has seen the socket go. */
  async closeAndWait(): Promise<void> {
    this.socket.close();
    await this.closed;
  }

  private waitForActivity(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, Math.max(ms, 0));
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

/** Whether a frame is an event of the room: its room_id and a seq, and not an answer. */
export const isRoomEvent = (roomId: number) => (frame: Frame) =>
  frame.room_id === roomId &&
  typeof frame.seq === 'number' &&
  frame.type !== 'ack' &&
  frame.type !== 'error';

/** Gives frames in flight a moment to arrive, for assertions that something did not happen. */
export function settle(ms = 300): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
