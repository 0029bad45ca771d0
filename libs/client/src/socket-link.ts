import {
  AckFrame,
  ClientFrame,
  ErrorFrame,
  EventFrame,
  RequestResults,
  RESUME_MAX_ROOMS,
  ROOM_FRAME_TYPES,
  ServerFrame,
  serverFrameProblem,
  SUBPROTOCOL,
} from '@chat/protocol';
import { BackoffOptions, reconnectDelay } from './backoff';
import { ChatSocketError, isTransient, NotConnectedError } from './errors';
import { refreshAt, tokenExpiry } from './token-expiry';
import { OPEN, resolveWebSocket, WebSocketConstructor, WebSocketLike } from './web-socket';

export type ConnectionState = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'closed';

export type AuthResult = RequestResults['auth'];

/**
 * Why the session is over, so reconnecting cannot help: the token was refused (and no other one
 * came), or the user was banned site-wide (`detail` says until when and why).
 */
export type SessionEndCode = 'invalid_token' | 'token_expired' | 'banned';

export interface LinkHandlers {
  state(state: ConnectionState): void;
  /** Authenticated (again): requests may go; `result.rooms` are the user's rooms now. */
  ready(result: AuthResult): void;
  frame(frame: EventFrame): void;
  /** `resume` refused a room (it is not the user's any more). */
  resumeRefused(frame: ErrorFrame): void;
  /** The session is over (see SessionEndCode): reconnecting cannot help. */
  ended(code: SessionEndCode, detail: string): void;
  /** A frame that does not match the protocol, dropped. */
  invalidFrame(detail: string, data: unknown): void;
  /** A room's change that does not match the protocol: it is not handed on, but it took `seq`. */
  unreadableChange(roomId: number, seq: number, detail: string, data: unknown): void;
}

export interface LinkOptions {
  url: string;
  token(): Promise<string>;
  WebSocket?: WebSocketConstructor;
  backoff: BackoffOptions;
  random(): number;
  requestTimeoutMs: number;
  /** After this long without a frame, an empty resume checks that the socket still answers. */
  heartbeatMs: number;
  validateFrames: boolean;
  /** The last number seen per room, resumed from on every new socket. */
  resumePoints(): Record<string, number>;
}

type Request = {
  [K in ClientFrame['type']]: Omit<Extract<ClientFrame, { type: K }>, 'req'>;
}[ClientFrame['type']];
type ResultOf<F extends Request> = AckFrame & RequestResults[F['type']];

interface Waiting {
  resolve(ack: AckFrame): void;
  reject(error: ChatSocketError): void;
  timer?: ReturnType<typeof setTimeout>;
}

const CLOSE_NORMAL = 1000;
const LONGEST_TIMER_MS = 2 ** 31 - 1;
/** A token is renewed at most this often, whatever its expiry says (a clock may be wrong). */
const MIN_REFRESH_MS = 30_000;

/**
 * One chat.v2 connection that stays up: it authenticates in the first frame, asks to resume every
 * room right after, reconnects with backoff and jitter when the socket drops, stops answering (a
 * request or the heartbeat times out) or the browser goes offline, and renews the token before it
 * expires.
 */
export class SocketLink {
  private socket?: WebSocketLike;
  private stopped = true;
  private authenticated = false;
  private attempt = 0;
  private everReady = false;
  private nextReq = 1;
  private readonly waiting = new Map<string, Waiting>();
  /** The `req` of each resume sent when the socket opened. */
  private readonly resumeReqs = new Set<string>();
  private token?: string;
  private expiredToken?: string;
  private sessionOver = false;
  /** Between deciding to connect and having a socket (the token may take a while). */
  private opening = false;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private connectTimer?: ReturnType<typeof setTimeout>;
  private refreshTimer?: ReturnType<typeof setTimeout>;
  private heartbeatTimer?: ReturnType<typeof setTimeout>;
  private heartbeatMs = 0;

  constructor(
    private readonly options: LinkOptions,
    private readonly handlers: LinkHandlers,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.sessionOver = false;
    networkEvents(this.cameOnline, this.wentOffline, true);
    void this.open();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    networkEvents(this.cameOnline, this.wentOffline, false);
    this.clearTimers();
    const socket = this.socket;
    this.socket = undefined;
    this.authenticated = false;
    socket?.close(CLOSE_NORMAL);
    this.failWaiting();
    this.handlers.state('closed');
  }

  get isReady(): boolean {
    return this.authenticated && this.socket?.readyState === OPEN;
  }

  /** Drops the socket and connects again, as after a drop: the next one resumes every room. */
  restart(): void {
    if (this.socket) this.drop();
  }

  /** Sends a request with a fresh `req`; resolves with its `ack`, rejects with its `error`. */
  request<F extends Request>(frame: F): Promise<ResultOf<F>> {
    if (!this.isReady) return Promise.reject(new NotConnectedError());
    return this.track(frame) as Promise<ResultOf<F>>;
  }

  private track(frame: Request): Promise<AckFrame> {
    const socket = this.socket!;
    const req = String(this.nextReq++);
    return new Promise<AckFrame>((resolve, reject) => {
      // A socket that answers nothing is dead even if it looks open: drop it and reconnect.
      const timer = setTimeout(() => {
        this.answer(req)?.reject(new ChatSocketError('timeout', 'No answer from the server'));
        if (this.socket === socket) this.drop();
      }, this.options.requestTimeoutMs);
      this.waiting.set(req, { resolve, reject, timer });
      socket.send(JSON.stringify({ ...frame, req }));
    });
  }

  private async open(): Promise<void> {
    if (this.opening) return;
    this.handlers.state(this.everReady || this.attempt > 0 ? 'reconnecting' : 'connecting');
    let token: string;
    let WebSocketClass: WebSocketConstructor;
    this.opening = true;
    try {
      token = await this.options.token();
      WebSocketClass = await resolveWebSocket(this.options.WebSocket);
    } catch {
      // No token or no WebSocket yet: try again later, as after a failed connection.
      return this.scheduleRetry();
    } finally {
      this.opening = false;
    }
    if (this.stopped) return;
    if (!token) return this.end('invalid_token', 'No token: sign in first');
    if (token === this.expiredToken) return this.end('token_expired', 'Token expired');
    this.token = token;
    const socket = new WebSocketClass(this.options.url, SUBPROTOCOL);
    this.socket = socket;
    this.authenticated = false;
    this.connectTimer = setTimeout(
      () => this.socket === socket && this.drop(),
      this.options.requestTimeoutMs,
    );
    socket.addEventListener('open', () => {
      if (this.socket !== socket) return;
      this.authenticate(socket, token);
      const points = Object.entries(this.options.resumePoints());
      for (let start = 0; start < points.length; start += RESUME_MAX_ROOMS) {
        const req = String(this.nextReq++);
        this.resumeReqs.add(req);
        const rooms = Object.fromEntries(points.slice(start, start + RESUME_MAX_ROOMS));
        socket.send(JSON.stringify({ type: 'resume', rooms, req }));
      }
    });
    socket.addEventListener('message', (event) => {
      if (this.socket === socket) this.receive(event.data);
    });
    socket.addEventListener('close', () => {
      if (this.socket === socket) this.dropped();
    });
    socket.addEventListener('error', () => undefined); // a close event follows
  }

  /** The first frame; its ack makes the socket ready. */
  private authenticate(socket: WebSocketLike, token: string): void {
    const req = String(this.nextReq++);
    this.waiting.set(req, {
      resolve: (ack) => {
        clearTimeout(this.connectTimer);
        this.authenticated = true;
        this.everReady = true;
        if (this.resumeReqs.size === 0) this.attempt = 0;
        this.handlers.state('online');
        this.scheduleRefresh(token);
        // Jittered per socket, so that clients that reconnected together do not beat together.
        this.heartbeatMs = this.options.heartbeatMs * (0.75 + this.options.random() / 2);
        this.heard();
        this.handlers.ready(ack as ResultOf<{ type: 'auth'; token: string }>);
      },
      reject: () => undefined, // a refused token ends the session (see refused)
    });
    socket.send(JSON.stringify({ type: 'auth', token, req }));
  }

  private receive(data: unknown): void {
    if (this.authenticated) this.heard();
    let frame: ServerFrame;
    try {
      frame = JSON.parse(String(data)) as ServerFrame;
    } catch {
      return this.handlers.invalidFrame('Not JSON', data);
    }
    const problem = this.options.validateFrames
      ? serverFrameProblem(frame)
      : typeof frame?.type === 'string'
        ? null
        : 'Unknown frame type';
    if (problem) {
      // A room's change this version cannot read (say, a value added to an enum) still took its
      // number: skipping it keeps the room's later changes flowing.
      const { room_id: roomId, seq } = frame as { room_id?: unknown; seq?: unknown };
      if (ROOM_FRAME_TYPES.has(frame?.type) && isNumber(roomId) && isNumber(seq)) {
        return this.handlers.unreadableChange(roomId, seq, problem, frame);
      }
      return this.handlers.invalidFrame(problem, frame);
    }
    if (frame.type === 'ack') {
      if (frame.req !== undefined && this.resumeReqs.has(frame.req)) return this.resumed(frame.req);
      if (frame.req !== undefined) this.answer(frame.req)?.resolve(frame);
      return;
    }
    if (frame.type === 'error') return this.refused(frame);
    this.handlers.frame(frame);
  }

  private refused(frame: ErrorFrame): void {
    // The server closes the socket next and refuses the token from now on.
    if (frame.code === 'banned') return this.end('banned', frame.detail);
    if (frame.code === 'invalid_token' || frame.code === 'token_expired') {
      if (frame.code === 'token_expired' && this.token !== undefined) {
        this.expiredToken = this.token;
        return; // the server closes the socket; the next one asks the app for a fresh token
      }
      return this.end(frame.code, frame.detail);
    }
    if (frame.req !== undefined && this.resumeReqs.has(frame.req)) {
      if (frame.room_id !== undefined) return this.handlers.resumeRefused(frame);
      // Not resumed at all: for now (the database is away) the next socket tries again.
      if (isTransient(new ChatSocketError(frame.code, ''))) return this.drop();
      this.resumed(frame.req);
      return this.handlers.resumeRefused(frame);
    }
    if (frame.req !== undefined) {
      this.answer(frame.req)?.reject(new ChatSocketError(frame.code, frame.detail, frame.room_id));
    }
  }

  /** A resume is answered; once every one is, the connection is whole and backoff starts over. */
  private resumed(req: string): void {
    this.resumeReqs.delete(req);
    if (this.resumeReqs.size === 0) this.attempt = 0;
  }

  private answer(req: string): Waiting | undefined {
    const waiting = this.waiting.get(req);
    if (!waiting) return undefined;
    clearTimeout(waiting.timer);
    this.waiting.delete(req);
    return waiting;
  }

  private failWaiting(): void {
    const waiting = [...this.waiting.values()];
    this.waiting.clear();
    this.resumeReqs.clear();
    for (const entry of waiting) {
      clearTimeout(entry.timer);
      entry.reject(new NotConnectedError());
    }
  }

  /** Gives up on the current socket (it stopped answering) and reconnects. */
  private drop(): void {
    const socket = this.socket;
    this.dropped();
    socket?.close(CLOSE_NORMAL);
  }

  private dropped(): void {
    this.socket = undefined;
    this.authenticated = false;
    clearTimeout(this.connectTimer);
    clearTimeout(this.refreshTimer);
    clearTimeout(this.heartbeatTimer);
    this.failWaiting();
    if (this.stopped || this.sessionOver) return;
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.stopped) return;
    this.handlers.state('reconnecting');
    clearTimeout(this.retryTimer);
    const delay = reconnectDelay(this.attempt++, this.options.backoff, this.options.random());
    this.retryTimer = setTimeout(() => void this.open(), delay);
  }

  private end(code: SessionEndCode, detail: string): void {
    this.sessionOver = true;
    this.stop();
    this.handlers.ended(code, detail);
  }

  /** Asks the app for a fresh token before this one expires and gives it to the open socket. */
  private scheduleRefresh(token: string): void {
    clearTimeout(this.refreshTimer);
    const expiresAt = tokenExpiry(token);
    if (expiresAt === undefined) return;
    const wait = Math.max(MIN_REFRESH_MS, refreshAt(expiresAt, Date.now()) - Date.now());
    // A longer timer fires at once (browsers and Node alike): wait in steps instead.
    if (wait > LONGEST_TIMER_MS) {
      this.refreshTimer = setTimeout(() => this.scheduleRefresh(token), LONGEST_TIMER_MS);
      return;
    }
    this.refreshTimer = setTimeout(async () => {
      const fresh = await this.options.token().catch(() => token);
      if (!this.isReady) return;
      // No new token yet: ask again later; the server closes the socket if the old one expires.
      if (!fresh || fresh === token) return this.scheduleRefresh(token);
      try {
        await this.request({ type: 'auth', token: fresh });
        this.token = fresh;
        this.scheduleRefresh(fresh);
      } catch {
        // Refused or dropped: the next socket authenticates with a token from the app again.
      }
    }, wait);
  }

  private clearTimers(): void {
    clearTimeout(this.retryTimer);
    clearTimeout(this.connectTimer);
    clearTimeout(this.refreshTimer);
    clearTimeout(this.heartbeatTimer);
  }

  /**
   * The server spoke: the heartbeat waits again. A socket can stay open but silent (a network
   * that went away without a close); a request then times out and the socket is replaced.
   */
  private heard(): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => {
      if (this.isReady) this.request({ type: 'resume', rooms: {} }).catch(() => undefined);
    }, this.heartbeatMs);
  }

  /** A browser that went offline may keep its socket open but dead: replace it. */
  private readonly wentOffline = (): void => {
    if (this.socket) this.drop();
  };

  /** In a browser that comes back online, reconnect now rather than when the backoff ends. */
  private readonly cameOnline = (): void => {
    if (this.stopped || this.socket || this.opening) return;
    clearTimeout(this.retryTimer);
    this.attempt = 0;
    void this.open();
  };
}

/** A browser's online and offline events; nothing elsewhere. */
function networkEvents(online: () => void, offline: () => void, on: boolean): void {
  const target = globalThis as { addEventListener?: Function; removeEventListener?: Function };
  if (typeof target.addEventListener !== 'function') return;
  const method = on ? target.addEventListener : target.removeEventListener;
  method?.call(target, 'online', online);
  method?.call(target, 'offline', offline);
}

function isNumber(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
