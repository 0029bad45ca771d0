import type { ClientFrame, ServerFrame } from '@chat/protocol';
import type { WebSocketLike } from '../web-socket';

const CONNECTING = 0;
const OPEN = 1;
const CLOSED = 3;
export const CLOSE_ABNORMAL = 1006;

type Listener = (event: unknown) => void;

/** What the socket needs of the server it talks to. */
export interface FakeSocketPeer {
  connecting(socket: FakeSocket): void;
  receive(socket: FakeSocket, frame: unknown): void;
  gone(socket: FakeSocket): void;
}

/**
 * A WebSocket as the client sees it, talking to an in-memory peer. Every event is delivered in a
 * later microtask, in order, as a real socket delivers them in later turns of the event loop.
 */
export class FakeSocket implements WebSocketLike {
  readyState = CONNECTING;
  /** Every frame the client sent on this socket, parsed, in order. */
  readonly sent: ClientFrame[] = [];
  /** When the client made the socket (the fake clock). */
  readonly createdAt = Date.now();
  /** Nothing passes either way any more: the line is dead (dropped or silent). */
  private cut = false;
  /** Frames still to lose on their way to the client (see loseNext). */
  private losing = 0;
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(
    readonly url: string,
    readonly protocol: string,
    private readonly peer: FakeSocketPeer,
  ) {
    peer.connecting(this);
  }

  get isOpen(): boolean {
    return this.readyState === OPEN && !this.cut;
  }

  // The client's side.

  send(data: string): void {
    if (this.readyState === CONNECTING) throw new Error('InvalidStateError: still connecting');
    if (this.readyState !== OPEN) return;
    const frame = JSON.parse(data) as ClientFrame;
    this.sent.push(frame);
    this.later(() => this.peer.receive(this, frame));
  }

  close(code = 1005, reason = ''): void {
    if (this.readyState === CLOSED) return;
    this.readyState = CLOSED;
    this.cut = true;
    this.peer.gone(this);
    void Promise.resolve().then(() => this.dispatch('close', { code, reason }));
  }

  addEventListener(type: string, listener: (event: never) => void): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener as Listener);
  }

  // The server's side.

  accept(): void {
    this.later(() => {
      this.readyState = OPEN;
      this.dispatch('open', undefined);
    });
  }

  /** The connection could not be made (the server is down). */
  fail(): void {
    this.cut = true;
    this.peer.gone(this);
    void Promise.resolve().then(() => {
      this.readyState = CLOSED;
      this.dispatch('error', undefined);
      this.dispatch('close', { code: CLOSE_ABNORMAL, reason: '' });
    });
  }

  /** Sends any frame, even one that breaks the protocol. */
  deliver(frame: ServerFrame | unknown): void {
    if (this.losing > 0) {
      this.losing -= 1;
      return;
    }
    const data = typeof frame === 'string' ? frame : JSON.stringify(frame);
    this.later(() => this.readyState === OPEN && this.dispatch('message', { data }));
  }

  /** A close the server chose: the frames sent before it still arrive. */
  closeFromServer(code: number, reason: string): void {
    this.peer.gone(this);
    this.later(() => {
      this.readyState = CLOSED;
      this.cut = true;
      this.dispatch('close', { code, reason });
    });
  }

  /** The line died: what was on its way is lost, and the client learns of it with 1006. */
  drop(): void {
    if (this.readyState === CLOSED) return;
    this.cut = true;
    this.readyState = CLOSED;
    this.peer.gone(this);
    void Promise.resolve().then(() => this.dispatch('close', { code: CLOSE_ABNORMAL, reason: '' }));
  }

  /** The next frames to the client are lost, as when an instance misses an event of the bus. */
  loseNext(count: number): void {
    this.losing += count;
  }

  /** The socket looks open but nothing passes either way any more. */
  silence(): void {
    this.cut = true;
    this.peer.gone(this);
  }

  private later(action: () => void): void {
    void Promise.resolve().then(() => {
      if (!this.cut) action();
    });
  }

  private dispatch(type: string, event: unknown): void {
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}
