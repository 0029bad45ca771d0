import {
  ackFrame,
  ErrorCode,
  errorFrame,
  PresenceStatus,
  presenceFrame,
  readFrame,
  RESUME_MAX_ROOMS,
  resumedFrame,
  roomRemovedFrame,
  RoomFrame,
  RoomMessage,
  ServerFrame,
  TYPING_THROTTLE_MS,
  typingFrame,
  UNREAD_LIMIT,
  UnreadCounts,
  unreadFrame,
} from '@chat/protocol';
import type { FetchLike } from '../http';
import type { WebSocketConstructor } from '../web-socket';
import { fakeHttp } from './fake-chat-http';
import { FakeModeration } from './fake-moderation';
import { FakeSocket, FakeSocketPeer } from './fake-socket';

const CLOSE_POLICY_VIOLATION = 1008;

interface Room {
  members: Set<number>;
  /** The room's changes, the one numbered n at n - 1. */
  changes: RoomFrame[];
}

interface Session {
  userId: number;
  expiresAt?: number;
}

/** What a socket was sent of a room: every change in (liveFrom, sent], as the server tracks it. */
interface Stream {
  liveFrom: number;
  sent: number;
}

type Frame = { type?: unknown; req?: string } & Record<string, unknown>;

/**
 * What can be held back, to arrive later than the rest (see `hold`): live room changes, frames
 * to a user (read, unread), HTTP answers (each taken when asked).
 */
export type FrameKind = 'room' | 'user' | 'http';

const ACTIVITY: PresenceStatus[] = ['offline', 'away', 'online'];

/**
 * An in-memory chat.v2 server for the SDK's tests, behaving as docs/protocol.md says: auth first,
 * messages stored once per (author, room, client_id) and numbered per room, every change sent to
 * the members' sockets, resume replaying a room's changes as they stand now. Also read markers
 * and exact unread counts (`read` and `unread` frames to the user's sockets, `@user<id>` names
 * as mentions), typing (throttled per user and room) and presence (the most active socket), and
 * the HTTP routes for them (`fetch`), and moderation (`moderation`: bans closing the user's
 * sockets, mutes refusing their sends, kicks, reports). Tests control the network: hold or refuse connections, drop
 * or silence a socket, hold back a kind of frame, send any frame.
 */
export class FakeChatServer implements FakeSocketPeer {
  /** Pass as the client's `WebSocket` option. */
  readonly WebSocket: WebSocketConstructor;
  /** Pass as the client's `fetch` option: GET /api/v1/rooms, read markers, presence, search. */
  readonly fetch: FetchLike;
  /** Every socket a client made, oldest first. */
  readonly sockets: FakeSocket[] = [];
  /** False: connections fail at once, as when the server is down. */
  up = true;
  /** True: connections wait in `pending` until `accept`. */
  holdConnections = false;
  /** A room further behind than this is not replayed (`recovered: false`). */
  resumeMax = 1_000;
  /** Bans, mutes, kicks and reports, and their HTTP routes. */
  readonly moderation: FakeModeration;
  /** Called with each frame a socket sends, before and after the server handles it. */
  beforeFrame?: (socket: FakeSocket, frame: Frame) => void;
  afterFrame?: (socket: FakeSocket, frame: Frame) => void;

  private readonly pending: FakeSocket[] = [];
  private readonly signedIn = new Map<FakeSocket, Session>();
  private readonly streams = new Map<FakeSocket, Map<number, Stream>>();
  private readonly tokens = new Map<string, Session>();
  private readonly revoked = new Set<string>();
  private readonly rooms = new Map<number, Room>();
  private readonly messages = new Map<number, RoomMessage>();
  private readonly byClientId = new Map<string, RoomMessage>();
  private readonly refusals: { type: string; code: ErrorCode }[] = [];
  private nextMessageId = 1;
  private nextToken = 1;
  /** Read markers by `user:room`. */
  private readonly markers = new Map<string, number>();
  /** Each signed-in socket's own status. */
  private readonly statuses = new Map<FakeSocket, 'online' | 'away'>();
  /** Each user's status as last told. */
  private readonly told = new Map<number, PresenceStatus>();
  /** When a typing frame of `user:room` was last passed on. */
  private readonly typed = new Map<string, number>();
  private readonly held = new Map<FrameKind, (() => void)[]>();
  private readonly requestRefusals: { route: string; status: number; detail: string }[] = [];
  /** Site roles other than a plain user's (1). */
  private readonly roles = new Map<number, number>();

  constructor() {
    this.WebSocket = socketClassOf(this);
    this.fetch = fakeHttp(this);
    this.moderation = new FakeModeration(this);
  }

  // Set-up

  /** A token of the user: opaque, or a JWT with `exp` when it expires. */
  token(userId: number, options: { expiresAt?: number } = {}): string {
    const id = this.nextToken++;
    const token =
      options.expiresAt === undefined
        ? `token-${userId}-${id}`
        : jwt({ sub: String(userId), jti: id, exp: options.expiresAt / 1000 });
    this.tokens.set(token, { userId, expiresAt: options.expiresAt });
    return token;
  }

  /** The token's session ended (logout, ban): it is refused as invalid from now on. */
  revoke(token: string): void {
    this.revoked.add(token);
  }

  /** The user's site role: 1 user, 2 moderator, 3 admin. */
  setRole(userId: number, role: number): void {
    this.roles.set(userId, role);
  }

  roleOf(userId: number): number {
    return this.roles.get(userId) ?? 1;
  }

  /**
   * The user is banned: each of their sockets gets an `error` frame with code `banned` and
   * `detail`, then the close 1008 'Banned'; their tokens are refused from now on.
   */
  ban(userId: number, detail: string): void {
    for (const [token, session] of this.tokens) if (session.userId === userId) this.revoke(token);
    for (const [socket, session] of this.signedIn) {
      if (session.userId !== userId) continue;
      socket.deliver(errorFrame(undefined, 'banned', detail) satisfies ServerFrame);
      socket.closeFromServer(CLOSE_POLICY_VIOLATION, 'Banned');
    }
  }

  addRoom(roomId: number, members: number[]): void {
    this.rooms.set(roomId, { members: new Set(members), changes: [] });
  }

  isMember(roomId: number, userId: number): boolean {
    return this.rooms.get(roomId)?.members.has(userId) ?? false;
  }

  /** A message as stored now, if it is. */
  message(messageId: number): RoomMessage | undefined {
    return this.messages.get(messageId);
  }

  /** The room's messages as stored, oldest first. */
  stored(roomId: number): RoomMessage[] {
    return [...this.messages.values()].filter((message) => message.room_id === roomId);
  }

  /** A message stored by someone not on a socket here (over HTTP, say). */
  post(userId: number, roomId: number, text: string): RoomMessage {
    return this.store(userId, roomId, text);
  }

  /** The user is removed from the room: they get room.removed, the others member.left. */
  removeMember(roomId: number, userId: number): void {
    const room = this.room(roomId);
    const seq = room.changes.length + 1;
    room.changes.push({
      type: 'member.left',
      room_id: roomId,
      seq,
      user_id: userId,
      reason: 'removed',
    });
    for (const [socket, session] of this.signedIn) {
      if (session.userId !== userId || !this.streams.get(socket)?.delete(roomId)) continue;
      socket.deliver(roomRemovedFrame(roomId, seq, 'removed'));
    }
    room.members.delete(userId);
    this.broadcast(roomId, room.changes[seq - 1]);
  }

  /** The next frame of this type is refused with `code`, whatever it asks. */
  refuseNext(type: string, code: ErrorCode): void {
    this.refusals.push({ type, code });
  }

  /** A message edited by its author elsewhere (over HTTP, say). */
  editMessage(messageId: number, text: string): void {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`No message ${messageId} in the fake server`);
    this.edit(message, text);
  }

  /** A message deleted by someone not on a socket here (a moderator over HTTP, say). */
  deleteMessage(messageId: number): void {
    const message = this.messages.get(messageId);
    if (!message) throw new Error(`No message ${messageId} in the fake server`);
    this.remove(message);
  }

  /** The next HTTP request to `route` ('GET /api/v1/search') is answered `status` and `detail`. */
  refuseNextRequest(route: string, status: number, detail: string): void {
    this.requestRefusals.push({ route, status, detail });
  }

  /** The refusal set for this request, taken (see refuseNextRequest). */
  takeRefusal(method: string, path: string): { status: number; body: unknown } | undefined {
    const index = this.requestRefusals.findIndex(({ route }) => route === `${method} ${path}`);
    if (index < 0) return undefined;
    const [{ status, detail }] = this.requestRefusals.splice(index, 1);
    return { status, body: { detail } };
  }

  // Read markers, counts and presence

  /** The user's session behind a token, as HTTP checks it. */
  sessionOf(token: string): number | undefined {
    const verdict = this.verify(token);
    return typeof verdict === 'string' ? undefined : verdict.userId;
  }

  /** The rooms the user is in, with their last number. */
  roomsOf(userId: number): { roomId: number; lastSeq: number; members: number }[] {
    return [...this.rooms]
      .filter(([, room]) => room.members.has(userId))
      .map(([roomId, room]) => ({
        roomId,
        lastSeq: room.changes.length,
        members: room.members.size,
      }));
  }

  /** The user's counts in the room, exact now (with their marker at `marker`). */
  counts(userId: number, roomId: number, marker = this.marker(userId, roomId)): UnreadCounts {
    const unread = this.stored(roomId).filter(
      (message) => message.seq > marker && message.user_id !== userId,
    );
    return {
      unread: Math.min(unread.length, UNREAD_LIMIT),
      mentions: Math.min(unread.filter((m) => m.mentions.includes(userId)).length, UNREAD_LIMIT),
      last_read_seq: marker,
    };
  }

  marker(userId: number, roomId: number): number {
    return this.markers.get(`${userId}:${roomId}`) ?? 0;
  }

  /**
   * Moves the user's marker up to `seq` (never back, never past the room's last number), as from
   * any of their devices: their sockets get `read` and `unread`. Undefined: not a member.
   */
  markRead(userId: number, roomId: number, seq: number): UnreadCounts | undefined {
    if (!this.rooms.get(roomId)?.members.has(userId)) return undefined;
    const to = Math.min(seq, this.lastSeq(roomId));
    if (to > this.marker(userId, roomId)) {
      this.markers.set(`${userId}:${roomId}`, to);
      this.toUser(userId, readFrame(roomId, to));
      this.sendCounts(userId, roomId);
    }
    return this.counts(userId, roomId);
  }

  /** The user's status: the most active of their sockets. */
  presenceOf(userId: number): PresenceStatus {
    let status: PresenceStatus = 'offline';
    for (const [socket, own] of this.statuses) {
      const session = this.signedIn.get(socket);
      if (session?.userId === userId && ACTIVITY.indexOf(own) > ACTIVITY.indexOf(status)) {
        status = own;
      }
    }
    return status;
  }

  /** How many of the room's members are online or away. */
  onlineIn(roomId: number): number {
    return [...this.room(roomId).members].filter((user) => this.presenceOf(user) !== 'offline')
      .length;
  }

  /** What is of this kind waits, in order, until `release`. */
  hold(kind: FrameKind): void {
    if (!this.held.has(kind)) this.held.set(kind, []);
  }

  /** What was held of this kind goes now, in order (or newest first); it is no longer held. */
  release(kind: FrameKind, options: { newestFirst?: boolean } = {}): void {
    const held = this.held.get(kind) ?? [];
    this.held.delete(kind);
    (options.newestFirst ? held.reverse() : held).forEach((action) => action());
  }

  /** Runs `action` now, or once `kind` is released while it is held. */
  whenReleased(kind: FrameKind, action: () => void): void {
    const held = this.held.get(kind);
    if (held) held.push(action);
    else action();
  }

  // The network

  /** The sockets that are open now. */
  get open(): FakeSocket[] {
    return this.sockets.filter((socket) => socket.isOpen);
  }

  /** The newest socket. */
  get latest(): FakeSocket {
    return this.sockets[this.sockets.length - 1];
  }

  /** Lets a held connection open (the oldest by default). */
  accept(socket = this.pending[0]): void {
    this.pending.splice(this.pending.indexOf(socket), 1);
    socket.accept();
  }

  // FakeSocketPeer

  connecting(socket: FakeSocket): void {
    this.sockets.push(socket);
    if (!this.up) return socket.fail();
    if (this.holdConnections) this.pending.push(socket);
    else socket.accept();
  }

  gone(socket: FakeSocket): void {
    const session = this.signedIn.get(socket);
    this.signedIn.delete(socket);
    this.statuses.delete(socket);
    if (session) this.presenceChanged(session.userId);
    this.streams.delete(socket);
    const index = this.pending.indexOf(socket);
    if (index >= 0) this.pending.splice(index, 1);
  }

  receive(socket: FakeSocket, data: unknown): void {
    const frame = data as Frame;
    this.beforeFrame?.(socket, frame);
    if (!socket.isOpen) return;
    this.handle(socket, frame);
    this.afterFrame?.(socket, frame);
  }

  // The protocol

  private handle(socket: FakeSocket, frame: Frame): void {
    const refusal = this.refusals.findIndex((entry) => entry.type === frame.type);
    if (refusal >= 0) {
      const [{ code }] = this.refusals.splice(refusal, 1);
      return socket.deliver(errorFrame(frame.req, code, `Refused (${code})`));
    }
    const session = this.signedIn.get(socket);
    if (!session) {
      if (frame.type !== 'auth') return this.refuse(socket, frame.req, 'not_authenticated');
      return this.signIn(socket, String(frame.token), frame.req);
    }
    if (session.expiresAt !== undefined && Date.now() >= session.expiresAt) {
      return this.refuse(socket, undefined, 'token_expired');
    }
    switch (frame.type) {
      case 'auth':
        return this.refresh(socket, session, String(frame.token), frame.req);
      case 'message.send':
        return this.send(socket, session.userId, frame);
      case 'message.edit':
      case 'message.delete':
        return this.change(socket, session.userId, frame);
      case 'resume':
        return this.resume(socket, frame);
      case 'read':
        return this.read(socket, session.userId, frame);
      case 'typing':
        return this.typing(socket, session.userId, frame);
      case 'presence':
        this.statuses.set(socket, frame.status === 'away' ? 'away' : 'online');
        this.presenceChanged(session.userId);
        return socket.deliver(ackFrame(frame.req));
      default:
        return socket.deliver(errorFrame(frame.req, 'invalid_frame', 'Unknown frame type'));
    }
  }

  private signIn(socket: FakeSocket, token: string, req?: string): void {
    const verdict = this.verify(token);
    if (typeof verdict === 'string') return this.refuse(socket, req, verdict);
    this.signedIn.set(socket, verdict);
    const rooms = [...this.rooms]
      .filter(([, room]) => room.members.has(verdict.userId))
      .map(([roomId, room]) => ({ room_id: roomId, last_seq: room.changes.length }));
    const streams = rooms.map((room) => [
      room.room_id,
      { liveFrom: room.last_seq, sent: room.last_seq },
    ]);
    this.streams.set(socket, new Map(streams as [number, Stream][]));
    socket.deliver(ackFrame(req, { user_id: verdict.userId, rooms }));
    this.statuses.set(socket, 'online');
    this.presenceChanged(verdict.userId);
  }

  private refresh(socket: FakeSocket, session: Session, token: string, req?: string): void {
    const verdict = this.verify(token);
    if (typeof verdict === 'string') return this.refuse(socket, req, verdict);
    if (verdict.userId !== session.userId) {
      return socket.deliver(errorFrame(req, 'forbidden', 'The token is of another user'));
    }
    this.signedIn.set(socket, verdict);
    socket.deliver(ackFrame(req, { user_id: verdict.userId }));
  }

  private verify(token: string): Session | 'invalid_token' | 'token_expired' {
    const session = this.tokens.get(token);
    if (!session || this.revoked.has(token)) return 'invalid_token';
    if (session.expiresAt !== undefined && Date.now() >= session.expiresAt) return 'token_expired';
    return session;
  }

  private send(socket: FakeSocket, userId: number, frame: Frame): void {
    const roomId = Number(frame.room_id);
    const text = String(frame.text ?? '').trim();
    const clientId = frame.client_id as string | undefined;
    if (!this.rooms.get(roomId)?.members.has(userId)) {
      return socket.deliver(errorFrame(frame.req, 'forbidden', 'Not in the room'));
    }
    if (text === '') return socket.deliver(errorFrame(frame.req, 'invalid_input', 'Blank text'));
    const muted = this.moderation.muteRefusal(userId, roomId);
    if (muted) return socket.deliver(errorFrame(frame.req, 'forbidden', muted));
    const key = `${userId}:${roomId}:${clientId}`;
    const earlier = clientId === undefined ? undefined : this.byClientId.get(key);
    const message = earlier ?? this.store(userId, roomId, text, clientId);
    if (clientId !== undefined) this.byClientId.set(key, message);
    socket.deliver(ackFrame(frame.req, { message: this.messages.get(message.message_id) }));
  }

  private store(userId: number, roomId: number, text: string, clientId?: string): RoomMessage {
    const room = this.room(roomId);
    const seq = room.changes.length + 1;
    const now = new Date();
    const message: RoomMessage = {
      message_id: this.nextMessageId++,
      user_id: userId,
      name: `user${userId}`,
      role: 1,
      user_avatar: '/static/avatars/default.png',
      message: text,
      time_send: now.toISOString().slice(11, 19),
      created_at: now.toISOString(),
      edited: false,
      room_id: roomId,
      seq,
      edited_at: null,
      mentions: this.mentionsIn(text, room, userId),
    };
    this.messages.set(message.message_id, message);
    const change: RoomFrame = { type: 'message.new', room_id: roomId, seq, message };
    room.changes.push(clientId === undefined ? change : { ...change, client_id: clientId });
    this.broadcast(roomId, room.changes[seq - 1]);
    for (const mentioned of message.mentions) this.sendCounts(mentioned, roomId);
    return message;
  }

  /** `@user<id>` names a member (not the author). */
  private mentionsIn(text: string, room: Room, author: number): number[] {
    const ids = [...text.matchAll(/@user(\d+)/g)].map((match) => Number(match[1]));
    return [...new Set(ids)].filter((id) => id !== author && room.members.has(id));
  }

  /** A deletion takes the room's next number; whoever had the message unread gets counts. */
  private remove(message: RoomMessage): RoomFrame {
    const room = this.room(message.room_id);
    const seq = room.changes.length + 1;
    this.messages.delete(message.message_id);
    const change: RoomFrame = {
      type: 'message.deleted',
      room_id: message.room_id,
      seq,
      message_id: message.message_id,
    };
    room.changes.push(change);
    this.broadcast(message.room_id, change);
    for (const member of room.members) {
      const unread = this.marker(member, message.room_id) < message.seq;
      if (unread && member !== message.user_id) this.sendCounts(member, message.room_id);
    }
    return change;
  }

  /** message.edit and message.delete: the author's own message, in a room they are in. */
  private change(socket: FakeSocket, userId: number, frame: Frame): void {
    const message = this.messages.get(Number(frame.message_id));
    if (!message || !this.rooms.get(message.room_id)?.members.has(userId)) {
      return socket.deliver(errorFrame(frame.req, 'not_found', 'Message not found'));
    }
    if (message.user_id !== userId) {
      return socket.deliver(errorFrame(frame.req, 'forbidden', 'Not your message'));
    }
    if (frame.type === 'message.delete') {
      const change = this.remove(message);
      const place = { room_id: change.room_id, seq: change.seq };
      return socket.deliver(ackFrame(frame.req, { message_id: message.message_id, ...place }));
    }
    const change = this.edit(message, String(frame.text).trim());
    const place = { room_id: change.room_id, seq: change.seq };
    socket.deliver(ackFrame(frame.req, { message_id: message.message_id, ...place }));
  }

  /** An edit takes the room's next number; whoever it names or stops naming, unread, gets counts. */
  private edit(message: RoomMessage, text: string): RoomFrame {
    const room = this.room(message.room_id);
    const seq = room.changes.length + 1;
    const editedAt = new Date().toISOString();
    const mentions = this.mentionsIn(text, room, message.user_id);
    this.messages.set(message.message_id, {
      ...message,
      message: text,
      edited: true,
      edited_at: editedAt,
      mentions,
    });
    const change: RoomFrame = {
      type: 'message.updated',
      room_id: message.room_id,
      seq,
      message_id: message.message_id,
      text,
      edited_at: editedAt,
      mentions,
    };
    room.changes.push(change);
    this.broadcast(message.room_id, change);
    for (const member of room.members) {
      const named = mentions.includes(member) !== message.mentions.includes(member);
      if (named && this.marker(member, message.room_id) < message.seq) {
        this.sendCounts(member, message.room_id);
      }
    }
    return change;
  }

  /**
   * Replays each room after the client's number, less what the socket was sent live already (as
   * the real server does: a live change may reach the socket before the replay of older ones).
   */
  private resume(socket: FakeSocket, frame: Frame): void {
    const points = Object.entries(frame.rooms as Record<string, number>);
    if (points.length > RESUME_MAX_ROOMS) {
      return socket.deliver(errorFrame(frame.req, 'invalid_frame', 'Too many rooms'));
    }
    for (const [key, after] of points) {
      const roomId = Number(key);
      const stream = this.streams.get(socket)?.get(roomId);
      if (!stream) {
        socket.deliver(errorFrame(frame.req, 'not_found', 'Room not found', roomId));
        continue;
      }
      const last = this.lastSeq(roomId);
      if (after > last || last - after > this.resumeMax) {
        Object.assign(stream, { liveFrom: last, sent: Math.max(stream.sent, last) });
        socket.deliver(resumedFrame(roomId, false, last));
        continue;
      }
      for (const change of this.room(roomId).changes.slice(after)) {
        const sentLive = change.seq > stream.liveFrom && change.seq <= stream.sent;
        if (!sentLive) socket.deliver(this.asItStands(change));
      }
      Object.assign(stream, {
        liveFrom: Math.min(stream.liveFrom, after),
        sent: Math.max(stream.sent, last),
      });
      socket.deliver(resumedFrame(roomId, true, last));
    }
    socket.deliver(ackFrame(frame.req));
  }

  /** A change replayed: a message with its text now, or deleted under its own number. */
  private asItStands(change: RoomFrame): RoomFrame {
    if (change.type !== 'message.new') return change;
    const now = this.messages.get(change.message.message_id);
    if (!now) {
      const { room_id, seq } = change;
      return { type: 'message.deleted', room_id, seq, message_id: change.message.message_id };
    }
    return { ...change, message: now };
  }

  private broadcast(roomId: number, change: RoomFrame): void {
    for (const [socket, rooms] of this.streams) {
      const stream = rooms.get(roomId);
      if (!stream || change.seq <= stream.sent) continue;
      stream.sent = change.seq;
      this.deliver(socket, change, 'room');
    }
  }

  private read(socket: FakeSocket, userId: number, frame: Frame): void {
    const roomId = Number(frame.room_id);
    const counts = this.markRead(userId, roomId, Number(frame.seq));
    if (!counts) return socket.deliver(errorFrame(frame.req, 'not_found', 'Room not found'));
    socket.deliver(ackFrame(frame.req, { room_id: roomId, ...counts }));
  }

  /** Passed on to the room's other members' sockets, once per user and room in the throttle. */
  private typing(socket: FakeSocket, userId: number, frame: Frame): void {
    const roomId = Number(frame.room_id);
    if (!this.rooms.get(roomId)?.members.has(userId)) {
      return socket.deliver(errorFrame(frame.req, 'not_found', 'Room not found'));
    }
    const key = `${userId}:${roomId}`;
    const last = this.typed.get(key);
    if (last === undefined || Date.now() - last >= TYPING_THROTTLE_MS) {
      this.typed.set(key, Date.now());
      for (const [other, session] of this.signedIn) {
        if (session.userId !== userId && this.streams.get(other)?.has(roomId)) {
          other.deliver(typingFrame(roomId, userId));
        }
      }
    }
    socket.deliver(ackFrame(frame.req));
  }

  /** A user's status changed: told to everyone sharing a room with them. */
  private presenceChanged(userId: number): void {
    const status = this.presenceOf(userId);
    if ((this.told.get(userId) ?? 'offline') === status) return;
    this.told.set(userId, status);
    const rooms = this.roomsOf(userId).map((room) => room.roomId);
    for (const [socket, session] of this.signedIn) {
      const shares = rooms.some((roomId) => this.room(roomId).members.has(session.userId));
      if (session.userId !== userId && shares) socket.deliver(presenceFrame(userId, status));
    }
  }

  private sendCounts(userId: number, roomId: number): void {
    this.toUser(userId, unreadFrame(roomId, this.counts(userId, roomId), this.lastSeq(roomId)));
  }

  private toUser(userId: number, frame: ServerFrame): void {
    for (const [socket, session] of this.signedIn) {
      if (session.userId === userId) this.deliver(socket, frame, 'user');
    }
  }

  private deliver(socket: FakeSocket, frame: unknown, kind: FrameKind): void {
    this.whenReleased(kind, () => socket.deliver(frame));
  }

  private lastSeq(roomId: number): number {
    return this.room(roomId).changes.length;
  }

  /** An error that ends the socket: sent, then the close with 1008. */
  private refuse(socket: FakeSocket, req: string | undefined, code: ErrorCode): void {
    const detail = code === 'token_expired' ? 'Token expired' : code;
    socket.deliver(errorFrame(req, code, detail) satisfies ServerFrame);
    socket.closeFromServer(CLOSE_POLICY_VIOLATION, detail);
  }

  private room(roomId: number): Room {
    const room = this.rooms.get(roomId);
    if (!room) throw new Error(`No room ${roomId} in the fake server`);
    return room;
  }
}

function socketClassOf(peer: FakeSocketPeer): WebSocketConstructor {
  return class extends FakeSocket {
    constructor(url: string, protocol: string) {
      super(url, protocol, peer);
    }
  };
}

function jwt(payload: object): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(payload)}.fake-signature`;
}
