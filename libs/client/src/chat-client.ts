import type {
  ErrorFrame,
  EventFrame,
  MyRoom,
  ResumedFrame,
  RoomMessage,
  SearchAnswer,
} from '@chat/protocol';
import { isRoomFrame, TYPING_THROTTLE_MS } from '@chat/protocol';
import { BackoffOptions, DEFAULT_BACKOFF, reconnectDelay } from './backoff';
import { ChatStore } from './chat-store';
import { EarlyFrames, SequencedFrame } from './early-frames';
import { Emitter } from './emitter';
import { ChatSocketError, isTransient } from './errors';
import { ChatHttp, FetchLike, MessageChange, ReadResult, SearchQuery } from './http';
import { Outbox, PendingMessage } from './outbox';
import { RoomCursors } from './room-cursors';
import { AuthResult, ConnectionState, SessionEndCode, SocketLink } from './socket-link';
import { socketUrl, WebSocketConstructor } from './web-socket';

export interface ChatClientOptions {
  /** The server's base URL, such as `https://chat.example` (the page's origin in a browser). */
  url: string;
  /**
   * The JWT, or a function giving the current one. A function is asked again before the token
   * expires and on every reconnect, so an app that renews its tokens keeps the socket alive.
   */
  token: string | (() => string | Promise<string>);
  /** The WebSocket class; by default the platform's, or the `ws` package on Node 20. */
  WebSocket?: WebSocketConstructor;
  fetch?: FetchLike;
  backoff?: Partial<BackoffOptions>;
  /** A request without an answer for this long drops the socket and reconnects (default 15 s). */
  requestTimeoutMs?: number;
  /**
   * After this long without a frame from the server, an empty request checks that the socket
   * still answers (default 25 s): a dead connection is noticed within this plus requestTimeoutMs.
   */
  heartbeatMs?: number;
  /** Check every frame against the protocol's schemas before handing it on (default true). */
  validateFrames?: boolean;
  /** Messages the store keeps per room (default 500). */
  keepMessages?: number;
  /** Typing frames sent per room at most once in this long (default TYPING_THROTTLE_MS, 3 s). */
  typingThrottleMs?: number;
  /** For tests: the source of jitter. */
  random?: () => number;
}

/** The socket is authenticated: the user, and their rooms with the number each is followed from. */
export interface ReadyEvent {
  user_id: number;
  rooms: NonNullable<AuthResult['rooms']>;
  /** False the first time, true after a reconnect. */
  reconnected: boolean;
}

type FrameEvents = { [K in EventFrame['type']]: Extract<EventFrame, { type: K }> };

/** What `on` can listen to: every event frame by its type, and the client's own events. */
export interface ChatClientEvents extends FrameEvents {
  state: ConnectionState;
  ready: ReadyEvent;
  /** A room named in `resume` is not the user's any more (they left or were removed offline). */
  'room.lost': { room_id: number };
  /**
   * The session is over and the client stopped: the token was refused and the token function gave
   * no other (sign in again), or the user was banned (`banned`; `detail` says until when and why).
   */
  'session.ended': { code: SessionEndCode; detail: string };
  /** A frame that broke the protocol (dropped), or a listener that threw. */
  problem: { detail: string; data?: unknown };
  /** Every event frame, whatever its type (after its own event), for apps that route them. */
  frame: EventFrame;
  /** The messages waiting in a room changed (see `pending`): one added, settled or held back. */
  pending: { room_id: number };
}

/** How many times the rooms' counts are read at most while the answer is older than the socket. */
const COUNTS_READS = 3;
/** After a status the server found too frequent: it takes one every 2 s past a small burst. */
const PRESENCE_RETRY_MS = 2_000;

/**
 * A chat.v2 client: one socket that stays connected and resumes every room where it left off,
 * messages sent once each in order per room, changes handed on once each in order per room, and
 * typed HTTP helpers. Holds no global state: several clients may run in one process.
 */
export class ChatClient {
  readonly http: ChatHttp;
  readonly store: ChatStore;
  private readonly events: Emitter<ChatClientEvents>;
  private readonly cursors = new RoomCursors();
  private readonly early = new EarlyFrames();
  /** Rooms with a resume on its way: the changes they lack come with it. */
  private resuming = new Set<number>();
  private readonly outbox: Outbox;
  private readonly link: SocketLink;
  private readonly tokenOf: () => Promise<string>;
  private currentToken?: string;
  private me?: number;
  private connectionState: ConnectionState = 'idle';
  private lastReady?: ReadyEvent;
  /** What close() does to each connect() still waiting. */
  private readonly connecting = new Set<() => void>();
  private readonly typingThrottleMs: number;
  /** When a typing frame last went, per room. */
  private readonly typingSent = new Map<number, number>();
  /** The status the app set; every new socket starts online and is told again. */
  private presenceStatus: 'online' | 'away' = 'online';
  /** The status the current socket holds (see syncPresence). */
  private presenceHeld: 'online' | 'away' = 'online';
  private presenceSync?: Promise<void>;
  /** Ends the wait before a retry at once (the client closed). */
  private presenceRetry?: () => void;
  /**
   * Users whose presence the app shows, each with the load whose answer is shown (0: none yet):
   * asked for again whenever a socket is ready; an answer older than the one shown is dropped.
   */
  private readonly watched = new Map<number, number>();
  private presenceLoads = 0;
  /**
   * Users a `presence` frame told about while loads were on their way, each with the number of
   * the newest load sent by then: that load and older ones skip them, their answers possibly read
   * before the change. Kept only while a load is on its way.
   */
  private readonly presenceHeard = new Map<number, number>();
  private presenceLoadsOnTheirWay = 0;
  /** Whether the app loaded the rooms' counts: they are loaded again after a reconnect. */
  private countsLoaded = false;
  private countsReload?: { again: boolean };

  constructor(options: ChatClientOptions) {
    const token = options.token;
    this.tokenOf = async () => {
      this.currentToken = typeof token === 'function' ? await token() : token;
      return this.currentToken;
    };
    this.http = new ChatHttp({
      url: options.url,
      fetch: options.fetch,
      token: () => this.currentToken ?? this.tokenOf(),
    });
    this.events = new Emitter((error, type) => {
      // A problem listener that throws is not told about itself, which would never end.
      if (type === 'problem') return;
      this.events.emit('problem', { detail: `A listener threw: ${(error as Error)?.message}` });
    });
    this.store = new ChatStore(() => this.me, options.keepMessages ?? 500);
    this.typingThrottleMs = options.typingThrottleMs ?? TYPING_THROTTLE_MS;
    const backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    const random = options.random ?? Math.random;
    this.outbox = new Outbox({
      transmit: (message) => this.transmit(message),
      retryDelay: (retries) => reconnectDelay(retries, backoff, random()),
      newClientId: () => crypto.randomUUID(),
      changed: (roomId) => this.events.emit('pending', { room_id: roomId }),
    });
    this.link = new SocketLink(
      {
        url: socketUrl(options.url),
        token: this.tokenOf,
        WebSocket: options.WebSocket,
        backoff,
        random,
        requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
        heartbeatMs: options.heartbeatMs ?? 25_000,
        validateFrames: options.validateFrames ?? true,
        resumePoints: () => this.resumeAll(),
      },
      {
        state: (state) => this.stateChanged(state),
        ready: (result) => this.ready(result),
        frame: (frame) => this.received(frame),
        resumeRefused: (frame) => this.resumeRefused(frame),
        ended: (code, detail) => this.events.emit('session.ended', { code, detail }),
        invalidFrame: (detail, data) => this.events.emit('problem', { detail, data }),
        unreadableChange: (roomId, seq, detail, data) => {
          this.events.emit('problem', { detail, data });
          this.sequence({ type: 'skipped', room_id: roomId, seq });
        },
      },
    );
  }

  /** The connection's state: idle, connecting, online, reconnecting or closed. */
  get state(): ConnectionState {
    return this.connectionState;
  }

  /** The signed-in user's id, once authenticated. */
  get userId(): number | undefined {
    return this.me;
  }

  /**
   * Opens the socket; resolves once it is authenticated, rejects if the session ends first. The
   * client then stays connected until `close()`.
   */
  connect(): Promise<ReadyEvent> {
    if (this.connectionState === 'online' && this.lastReady) return Promise.resolve(this.lastReady);
    return new Promise<ReadyEvent>((resolve, reject) => {
      const closed = () => {
        stops.forEach((stop) => stop());
        reject(new ChatSocketError('closed', 'The client was closed'));
      };
      this.connecting.add(closed);
      const stops = [
        () => this.connecting.delete(closed),
        this.on('ready', (event) => {
          stops.forEach((stop) => stop());
          resolve(event);
        }),
        this.on('session.ended', (event) => {
          stops.forEach((stop) => stop());
          reject(new ChatSocketError(event.code, event.detail));
        }),
      ];
      this.link.start();
    });
  }

  /** Closes the socket for good; messages still waiting are rejected. */
  close(): void {
    for (const closed of [...this.connecting]) closed();
    this.link.stop();
    this.outbox.clear(new ChatSocketError('closed', 'The client was closed'));
    this.store.clearTyping();
    this.presenceRetry?.();
  }

  on<K extends keyof ChatClientEvents>(
    type: K,
    listener: (event: ChatClientEvents[K]) => void,
  ): () => void {
    return this.events.on(type, listener);
  }

  /**
   * Sends a message; resolves with it once stored. While offline it waits and goes once back;
   * a message goes again after a drop with the same client_id, so it is stored once.
   */
  send(roomId: number, text: string, options: { clientId?: string } = {}): Promise<RoomMessage> {
    return this.outbox.add(roomId, text, options.clientId);
  }

  /** Messages not yet acknowledged, oldest first. */
  pending(roomId?: number): PendingMessage[] {
    return this.outbox.pending(roomId);
  }

  edit(messageId: number, text: string): Promise<MessageChange> {
    return this.link.request({ type: 'message.edit', message_id: messageId, text });
  }

  remove(messageId: number): Promise<MessageChange> {
    return this.link.request({ type: 'message.delete', message_id: messageId });
  }

  /**
   * Says the app holds a room up to `seq` (from a history page): the socket resumes it from there
   * after a drop. Rooms of the user's are followed from the number the server gave at sign-in.
   */
  follow(roomId: number, seq: number): void {
    if (!isId(roomId) || !Number.isSafeInteger(seq) || seq < 0) {
      throw new TypeError('follow(roomId, seq): a room id of 1 or more and a seq of 0 or more');
    }
    this.followRoom(roomId, seq);
  }

  /** The last number seen in a room. */
  lastSeq(roomId: number): number | undefined {
    return this.cursors.get(roomId);
  }

  /**
   * The user's rooms (GET /api/v1/rooms): each is followed from its `last_seq`, and the store
   * takes its unread and mention counts and read marker, which are loaded again after every
   * reconnect (frames missed meanwhile are not replayed). An answer older than the number the
   * socket follows a room from (taken before it signed in) is asked for again.
   */
  loadRooms(): Promise<MyRoom[]> {
    // From now on: a reconnect before the answer comes loads them again too.
    this.countsLoaded = true;
    return this.readCounts(true);
  }

  /**
   * Says the user is typing in a room. Sent at most once per room in `typingThrottleMs`, so it can
   * be called on every key; not sent while offline. Returns whether a frame went.
   */
  typing(roomId: number): boolean {
    checkId(roomId, 'typing(roomId)');
    const last = this.typingSent.get(roomId);
    if (!this.link.isReady || (last !== undefined && Date.now() - last < this.typingThrottleMs)) {
      return false;
    }
    this.typingSent.set(roomId, Date.now());
    this.link.request({ type: 'typing', room_id: roomId }).catch((error: unknown) => {
      if (!isTransient(error)) this.report(`typing refused: ${(error as Error).message}`);
    });
    return true;
  }

  /**
   * Moves the user's read marker in a room up to `seq` (never back): at once in the store, then on
   * the server (over HTTP while the socket is down). Resolves with the server's counts.
   */
  markRead(roomId: number, seq: number): Promise<ReadResult> {
    checkId(roomId, 'markRead(roomId, seq)');
    if (!Number.isSafeInteger(seq) || seq < 0) {
      throw new TypeError('markRead(roomId, seq): a seq of 0 or more');
    }
    this.store.markRead(roomId, seq);
    const moved = (result: ReadResult) => {
      this.store.markRead(roomId, result.last_read_seq);
      return result;
    };
    return this.link
      .request({ type: 'read', room_id: roomId, seq })
      .catch((error: unknown) => {
        if (error instanceof ChatSocketError && error.code === 'not_connected') {
          return this.http.markRead(roomId, seq);
        }
        throw error;
      })
      .then(moved);
  }

  /**
   * The user's status on this connection: `away` (the app is hidden or idle) or `online`. Their
   * status everywhere is the most active of their devices'. Kept across reconnects.
   */
  async setPresence(status: 'online' | 'away'): Promise<void> {
    if (status !== 'online' && status !== 'away') {
      throw new TypeError('setPresence(status): "online" or "away"');
    }
    this.presenceStatus = status;
    return this.syncPresence();
  }

  /**
   * Sends the status the app wants until the socket holds it: one request at a time, the latest
   * status each time (quick toggles cost one frame), and again after PRESENCE_RETRY_MS when the
   * server found them too frequent. Resolves once it is held, or the socket is down (each new
   * socket is told again).
   */
  private syncPresence(): Promise<void> {
    if (!this.presenceSync) {
      const sync = this.sendPresence().finally(() => (this.presenceSync = undefined));
      this.presenceSync = sync;
    }
    return this.presenceSync;
  }

  private async sendPresence(): Promise<void> {
    while (this.link.isReady && this.presenceHeld !== this.presenceStatus) {
      const status = this.presenceStatus;
      try {
        await this.link.request({ type: 'presence', status });
        this.presenceHeld = status;
      } catch (error) {
        if (!(error instanceof ChatSocketError && error.code === 'rate_limited')) throw error;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, PRESENCE_RETRY_MS);
          this.presenceRetry = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.presenceRetry = undefined;
      }
    }
  }

  /**
   * Loads the presence of users the app shows (GET /api/v1/presence) into the store, which
   * `presence` frames keep up to date; asked for again whenever a socket is ready (a socket is
   * told only the changes after it joined).
   */
  async watchPresence(userIds: number[]): Promise<void> {
    userIds.forEach((userId) => checkId(userId, 'watchPresence(userIds)'));
    await this.loadPresence([...new Set(userIds)].filter((userId) => !this.watched.has(userId)));
  }

  /** How many of a room's members are online or away, into the store (`online`). */
  async loadRoomPresence(roomId: number): Promise<number> {
    const { online } = await this.http.roomPresence(roomId);
    this.store.setOnline(roomId, online);
    return online;
  }

  /**
   * Full-text search of the messages the user can read (GET /api/v1/search): a page of hits, best
   * first, and `next_cursor` for the next page of the same query. A refusal rejects with
   * ChatApiError: 422 (`detail` names the bad fields), 429 (searching too fast: wait a moment),
   * 503 (too slow or too busy: narrow the search or try again).
   */
  search(query: SearchQuery): Promise<SearchAnswer> {
    return this.http.search(query);
  }

  private transmit(message: PendingMessage): Promise<RoomMessage> {
    return this.link
      .request({
        type: 'message.send',
        room_id: message.roomId,
        text: message.text,
        client_id: message.clientId,
      })
      .then((ack) => ack.message);
  }

  private ready(result: AuthResult): void {
    this.me = result.user_id;
    for (const room of result.rooms ?? []) {
      if (!this.cursors.has(room.room_id)) this.followRoom(room.room_id, room.last_seq);
    }
    const reconnected = this.lastReady !== undefined;
    this.lastReady = { user_id: result.user_id, rooms: result.rooms ?? [], reconnected };
    this.events.emit('ready', this.lastReady);
    this.outbox.resume();
    // Every socket starts online.
    this.presenceHeld = 'online';
    this.syncPresence().catch((error: unknown) =>
      this.report(`presence not set: ${(error as Error).message}`),
    );
    // What came before this socket joined (presence, markers moved elsewhere) is not replayed.
    if (reconnected) this.reloadCounts();
    this.loadPresence([...this.watched.keys()]).catch((error: unknown) =>
      this.report(`presence not loaded: ${(error as Error).message}`),
    );
  }

  private async loadPresence(userIds: number[]): Promise<void> {
    if (userIds.length === 0) return;
    const load = ++this.presenceLoads;
    userIds.forEach((userId) => this.watched.set(userId, this.watched.get(userId) ?? 0));
    this.presenceLoadsOnTheirWay++;
    try {
      const { presence } = await this.http.presence(userIds);
      for (const { user_id, status } of presence) {
        // A newer load answered, or a frame told a change while this answer was on its way.
        if (load < (this.watched.get(user_id) ?? 0)) continue;
        if (load <= (this.presenceHeard.get(user_id) ?? 0)) continue;
        this.watched.set(user_id, load);
        this.store.setPresence(user_id, status);
      }
    } finally {
      if (--this.presenceLoadsOnTheirWay === 0) this.presenceHeard.clear();
    }
  }

  /** Loads the counts again (once at a time, and once more if asked meanwhile). */
  private reloadCounts(): void {
    if (!this.countsLoaded) return;
    if (this.countsReload) {
      this.countsReload.again = true;
      return;
    }
    const reload = (this.countsReload = { again: false });
    this.readCounts(false)
      .catch((error: unknown) => this.report(`counts not loaded: ${(error as Error).message}`))
      .finally(() => {
        this.countsReload = undefined;
        if (reload.again) this.reloadCounts();
      });
  }

  /**
   * Reads the rooms' counts into the store (following the rooms not followed yet when `followNew`)
   * and reads them again while some are older than the number the store's changes of that room
   * start from; past COUNTS_READS reads those keep what they had.
   */
  private async readCounts(followNew: boolean): Promise<MyRoom[]> {
    for (let read = 1; ; read++) {
      const rooms = await this.http.myRooms();
      const stale: number[] = [];
      for (const room of rooms) {
        if (!this.cursors.has(room.id)) {
          if (!followNew) continue;
          this.followRoom(room.id, room.last_seq);
        }
        if (this.store.setCounts(room.id, room, room.last_seq) === 'stale') stale.push(room.id);
      }
      if (stale.length === 0) return rooms;
      if (read === COUNTS_READS) {
        const which = `room${stale.length > 1 ? 's' : ''} ${stale.join(', ')}`;
        this.report(`counts of ${which} were older than the socket ${read} times: not taken`);
        return rooms;
      }
    }
  }

  /** Follows a room from `seq` on (unless followed from further on): the store counts from there. */
  private followRoom(roomId: number, seq: number): void {
    this.cursors.follow(roomId, seq);
    this.store.follow(roomId, this.cursors.get(roomId)!);
  }

  private report(detail: string): void {
    this.events.emit('problem', { detail });
  }

  /** A new socket resumes every room followed. */
  private resumeAll(): Record<string, number> {
    const points = this.cursors.resumePoints();
    this.resuming = new Set(Object.keys(points).map(Number));
    return points;
  }

  private received(frame: EventFrame): void {
    if (frame.type === 'resumed') return this.roomResumed(frame);
    if (!isRoomFrame(frame)) return this.handOn(frame);
    if (frame.type === 'room.added' && !this.cursors.has(frame.room_id)) {
      this.followRoom(frame.room_id, frame.seq - 1);
    }
    this.sequence(frame);
  }

  /** Takes a room's change in its place, handing on each one that is next in line. */
  private sequence(frame: SequencedFrame): void {
    const roomId = frame.room_id;
    this.early.add(frame);
    this.handOnInOrder(roomId);
    if (this.early.has(roomId) && !this.resuming.has(roomId)) this.repair(roomId);
  }

  private roomResumed(frame: ResumedFrame): void {
    const roomId = frame.room_id;
    this.resuming.delete(roomId);
    if (!frame.recovered) this.cursors.skipTo(roomId, frame.last_seq);
    this.handOn(frame);
    // The store lost what the counts needed of the room's missed changes.
    if (!frame.recovered) this.reloadCounts();
    this.handOnInOrder(roomId);
    // Still a gap: this socket lost a change the server counts as sent, so it never sends it
    // again here. A new socket's resume does.
    if (this.early.has(roomId)) this.link.restart();
  }

  /** Hands on each change of the room that is next in line, once each. */
  private handOnInOrder(roomId: number): void {
    for (const frame of this.early.release(roomId, this.cursors)) {
      if (frame.type === 'skipped') continue;
      if (frame.type === 'room.removed') {
        this.cursors.forget(roomId);
        this.early.forget(roomId);
        this.outbox.dropRoom(roomId, new ChatSocketError('not_found', 'Not in the room'));
      }
      this.handOn(frame);
    }
  }

  private handOn(frame: EventFrame): void {
    if (frame.type === 'presence' && this.presenceLoadsOnTheirWay > 0) {
      this.presenceHeard.set(frame.user_id, this.presenceLoads);
    }
    this.store.apply(frame);
    this.events.emit(frame.type, frame as never);
    this.events.emit('frame', frame);
  }

  /** A change came before one it follows: ask for the room again from the last one seen. */
  private repair(roomId: number): void {
    this.resuming.add(roomId);
    const from = this.cursors.get(roomId) ?? 0;
    this.link
      .request({ type: 'resume', rooms: { [roomId]: from } })
      // Refused or dropped meanwhile: the next change asks again, the next socket resumes anyway.
      .catch(() => this.resuming.delete(roomId));
  }

  private resumeRefused(frame: ErrorFrame): void {
    if (frame.room_id === undefined) {
      this.resuming.clear();
      return this.events.emit('problem', { detail: `resume refused: ${frame.detail}` });
    }
    this.resuming.delete(frame.room_id);
    this.cursors.forget(frame.room_id);
    this.early.forget(frame.room_id);
    this.store.forget(frame.room_id);
    this.outbox.dropRoom(frame.room_id, new ChatSocketError('not_found', frame.detail));
    this.events.emit('room.lost', { room_id: frame.room_id });
  }

  private stateChanged(state: ConnectionState): void {
    if (state === this.connectionState) return;
    this.connectionState = state;
    if (state !== 'online') this.outbox.pause();
    this.events.emit('state', state);
  }
}

function isId(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0;
}

function checkId(value: number, call: string): void {
  if (!isId(value)) throw new TypeError(`${call}: ids are integers of 1 or more`);
}
