import type { AckFrame, AuthAck, ErrorFrame, EventFrame, ServerFrame } from './protocol';

export type ConnectionState = 'connecting' | 'online' | 'reconnecting' | 'offline' | 'closed';

/** The server refused a request (`error` frame): `code` says which kind of refusal. */
export class SocketError extends Error {
  constructor(
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** The request could not be made or answered: the socket is not (or no longer) connected. */
export class NotConnectedError extends SocketError {
  constructor() {
    super('not_connected', 'Not connected: try again once the chat reconnects');
  }
}

export interface SocketHandlers {
  state(state: ConnectionState): void;
  /** The socket is authenticated; `ack.rooms` are the user's rooms now. Unsent messages may go. */
  authenticated(ack: AuthAck): void;
  event(frame: EventFrame): void;
  /** A room named in `resume` is not the user's any more. */
  roomNotFound(roomId: number): void;
  /** The session is over (token invalid or expired): reconnecting cannot help. */
  sessionEnded(): void;
}

const PROTOCOL = 'chat.v2';
const FIRST_RETRY_MS = 500;
const MAX_RETRY_MS = 10_000;
const CLOSE_POLICY_VIOLATION = 1008;
const SESSION_OVER = new Set(['invalid_token', 'token_expired']);

/** A request: its type and fields (`req` is added here). */
export type ClientFrame = { type: string } & Record<string, unknown>;

interface Waiting {
  resolve(ack: AckFrame): void;
  reject(error: SocketError): void;
}

/**
 * The v2 socket: authenticated by its first frame, with requests answered by `ack` or `error`, and
 * reopened with a growing delay whenever it drops (at once when the browser comes back online).
 * Each new socket asks to `resume` every room from the last number seen there, in the frame right
 * after `auth`, so no live event can slip in between and nothing sent meanwhile is missed.
 */
export class ChatSocket {
  private socket?: WebSocket;
  private retryDelay = FIRST_RETRY_MS;
  private retryTimer?: number;
  private stopped = false;
  private authenticated = false;
  private nextReq = 1;
  private readonly waiting = new Map<string, Waiting>();
  private resumeReq?: string;

  constructor(
    private readonly token: string,
    /** The last number seen per room, to resume from. */
    private readonly resumePoints: () => Record<string, number>,
    private readonly handlers: SocketHandlers,
  ) {}

  start(): void {
    window.addEventListener('offline', this.wentOffline);
    window.addEventListener('online', this.cameOnline);
    this.open('connecting');
  }

  stop(): void {
    this.stopped = true;
    window.removeEventListener('offline', this.wentOffline);
    window.removeEventListener('online', this.cameOnline);
    clearTimeout(this.retryTimer);
    this.socket?.close(1000);
    this.failWaiting();
  }

  get isOpen(): boolean {
    return this.authenticated && this.socket?.readyState === WebSocket.OPEN;
  }

  /** Sends a frame with a fresh `req`; resolves with its `ack`, rejects with its `error`. */
  request<T extends AckFrame = AckFrame>(frame: ClientFrame): Promise<T> {
    if (!this.isOpen) return Promise.reject(new NotConnectedError());
    const req = String(this.nextReq++);
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(req, { resolve: resolve as (ack: AckFrame) => void, reject });
      this.socket!.send(JSON.stringify({ ...frame, req }));
    });
  }

  private open(state: ConnectionState): void {
    this.handlers.state(state);
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/ws`, PROTOCOL);
    this.socket = socket;
    this.authenticated = false;
    socket.onopen = () => {
      this.retryDelay = FIRST_RETRY_MS;
      // The token goes in the first frame, not the URL, which proxies write to their logs.
      const authReq = String(this.nextReq++);
      this.waiting.set(authReq, {
        resolve: (ack) => {
          this.authenticated = true;
          this.handlers.state('online');
          this.handlers.authenticated(ack as AuthAck);
        },
        reject: () => undefined,
      });
      socket.send(JSON.stringify({ type: 'auth', token: this.token, req: authReq }));
      const rooms = this.resumePoints();
      if (Object.keys(rooms).length > 0) {
        this.resumeReq = String(this.nextReq++);
        socket.send(JSON.stringify({ type: 'resume', rooms, req: this.resumeReq }));
      }
    };
    socket.onmessage = (event: MessageEvent<string>) => {
      let frame: ServerFrame;
      try {
        frame = JSON.parse(event.data) as ServerFrame;
      } catch {
        return; // not JSON: the server never sends that
      }
      if (this.socket === socket) this.receive(frame);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.authenticated = false;
      this.failWaiting();
      if (this.stopped) return;
      // 1008 follows an error the client cannot fix by retrying with this token.
      if (event.code === CLOSE_POLICY_VIOLATION) return this.handlers.state('closed');
      this.scheduleRetry();
    };
  }

  private receive(frame: ServerFrame): void {
    if (frame.type === 'ack') {
      if (frame.req === this.resumeReq) return;
      this.answer(frame.req)?.resolve(frame);
      return;
    }
    if (frame.type === 'error') return this.refused(frame);
    this.handlers.event(frame);
  }

  private refused(frame: ErrorFrame): void {
    if (SESSION_OVER.has(frame.code)) {
      this.stopped = true;
      this.failWaiting();
      return this.handlers.sessionEnded();
    }
    if (frame.req !== undefined && frame.req === this.resumeReq) {
      if (frame.room_id !== undefined) this.handlers.roomNotFound(frame.room_id);
      return;
    }
    if (frame.req !== undefined)
      this.answer(frame.req)?.reject(new SocketError(frame.code, frame.detail));
  }

  private answer(req: string): Waiting | undefined {
    const waiting = this.waiting.get(req);
    this.waiting.delete(req);
    return waiting;
  }

  private failWaiting(): void {
    for (const waiting of this.waiting.values()) waiting.reject(new NotConnectedError());
    this.waiting.clear();
    this.resumeReq = undefined;
  }

  private scheduleRetry(): void {
    if (!navigator.onLine) return this.handlers.state('offline');
    this.handlers.state('reconnecting');
    clearTimeout(this.retryTimer);
    this.retryTimer = window.setTimeout(() => this.open('reconnecting'), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, MAX_RETRY_MS);
  }

  private readonly wentOffline = () => {
    this.handlers.state('offline');
    this.socket?.close();
  };

  private readonly cameOnline = () => {
    if (this.stopped || this.socket?.readyState === WebSocket.OPEN) return;
    clearTimeout(this.retryTimer);
    this.retryDelay = FIRST_RETRY_MS;
    this.open('reconnecting');
  };
}
