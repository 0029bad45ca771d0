import type {
  AuditPage,
  BanView,
  DirectoryPage,
  KickResult,
  LoginResult,
  MuteView,
  MyRoom,
  PresenceAnswer,
  Profile,
  RequestResults,
  RoomKind,
  RoomMember,
  RoomMessage,
  RoomPresenceAnswer,
  ReportsPage,
  ReportView,
  RoomView,
  SearchAnswer,
  UserEntry,
} from '@chat/protocol';
import { ChatApiError } from './errors';
import type {
  AuditQuery,
  BanRequest,
  KickRequest,
  MuteRequest,
  ReportsQuery,
  ResolveRequest,
} from './moderation-types';

export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string | FormData },
) => Promise<{ ok: boolean; status: number; text(): Promise<string> }>;

export interface ChatHttpOptions {
  /** The server's base URL, such as `https://chat.example` (the page's origin in a browser). */
  url: string;
  /** The token to send; undefined for the routes that need none. */
  token?: () => string | undefined | Promise<string | undefined>;
  fetch?: FetchLike;
}

export type MessageChange = RequestResults['message.edit'];
/** The caller's counts in a room after a read marker move (or an attempt to move it back). */
export type ReadResult = RequestResults['read'];

/** `GET /api/v1/presence` answers for at most this many users at once. */
export const PRESENCE_MAX_USERS = 200;

export interface RoomPageQuery {
  /** Messages before this number, newest first. */
  beforeSeq?: number;
  /** Messages after this number, oldest first. */
  afterSeq?: number;
  /** At most 100; 50 when not given. */
  limit?: number;
}

/** `GET /api/v1/search`: what to look for, and where. */
export interface SearchQuery {
  /**
   * 1 to 1000 characters: words (all must appear, matched by stem in Russian and English),
   * "an exact phrase", `prefix*` (3 letters or more), `-word` to leave out, `or` between words.
   */
  q: string;
  /** Only this room (one the caller is in: 404 or 403 otherwise). */
  room_id?: number;
  /** Only this user's messages. */
  author_id?: number;
  /** Only messages sent before this time (an ISO 8601 string or a Date). */
  before?: string | Date;
  /** Only messages sent at or after this time. */
  after?: string | Date;
  /** The previous answer's `next_cursor`, for the next page of the same search. */
  cursor?: string;
  /** 1 to 50; 20 when not given. */
  limit?: number;
}

/**
 * Every HTTP route a chat app needs, typed: sign-in, the profile and `/api/v1` (rooms, members,
 * direct messages, messages). A refusal rejects with ChatApiError (status and the server's detail).
 */
export class ChatHttp {
  private readonly fetch: FetchLike;

  constructor(private readonly options: ChatHttpOptions) {
    const given = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch;
    if (!given) throw new Error('No fetch here: pass options.fetch');
    this.fetch = given.bind(globalThis) as FetchLike;
  }

  // Accounts
  register(name: string, password: string): Promise<unknown> {
    return this.call('POST', '/auth/register-user', { name, password }, false);
  }
  login(name: string, password: string): Promise<LoginResult> {
    return this.call('POST', '/user/login', { name, password }, false);
  }
  logout(): Promise<unknown> {
    return this.call('POST', '/user/logout');
  }
  me(): Promise<Profile> {
    return this.call('GET', '/api/v1/me');
  }
  updateMe(changes: { name?: string; password?: string; current_password?: string }) {
    return this.call<Profile>('PATCH', '/api/v1/me', changes);
  }
  /** Deletes the caller's account; its messages stay, shown as a deleted user's. */
  deleteAccount(): Promise<unknown> {
    return this.call('DELETE', '/user/delete');
  }
  users(): Promise<UserEntry[]> {
    return this.call('GET', '/user/all', undefined, false);
  }

  // Rooms
  myRooms(): Promise<MyRoom[]> {
    return this.call('GET', '/api/v1/rooms');
  }
  directory(query: { q?: string; cursor?: string } = {}): Promise<DirectoryPage> {
    return this.call('GET', `/api/v1/rooms/public${queryString(query)}`);
  }
  createRoom(room: { name: string; kind: Exclude<RoomKind, 'direct'>; topic?: string }) {
    return this.call<RoomView>('POST', '/api/v1/rooms', room);
  }
  async room(roomId: number): Promise<RoomView> {
    return this.call('GET', roomPath(roomId));
  }
  async updateRoom(roomId: number, changes: { name?: string; topic?: string }): Promise<RoomView> {
    return this.call('PATCH', roomPath(roomId), changes);
  }
  async archiveRoom(roomId: number): Promise<RoomView> {
    return this.call('DELETE', roomPath(roomId));
  }
  async joinRoom(roomId: number): Promise<RoomView> {
    return this.call('POST', `${roomPath(roomId)}/join`);
  }
  async leaveRoom(roomId: number): Promise<void> {
    return this.call('POST', `${roomPath(roomId)}/leave`);
  }
  async members(
    roomId: number,
    page: { afterId?: number; limit?: number } = {},
  ): Promise<RoomMember[]> {
    const query = queryString({ after_id: page.afterId, limit: page.limit });
    return this.call('GET', `${roomPath(roomId)}/members${query}`);
  }
  async addMember(roomId: number, userId: number): Promise<RoomMember> {
    return this.call('POST', `${roomPath(roomId)}/members`, { user_id: userId });
  }
  async removeMember(roomId: number, userId: number): Promise<void> {
    return this.call('DELETE', `${roomPath(roomId)}/members/${pathId(userId)}`);
  }
  /** The direct room with a user, made the first time. */
  openDirect(userId: number): Promise<RoomView> {
    return this.call('POST', '/api/v1/dms', { user_id: userId });
  }

  // Messages
  /** A page of a room: newest first (`beforeSeq` or neither), oldest first (`afterSeq`). */
  async messages(roomId: number, query: RoomPageQuery = {}): Promise<RoomMessage[]> {
    const params = { before_seq: query.beforeSeq, after_seq: query.afterSeq, limit: query.limit };
    return this.call('GET', `${roomPath(roomId)}/messages${queryString(params)}`);
  }
  /** Stores a message; the same `clientId` again answers the message stored the first time. */
  async postMessage(roomId: number, text: string, clientId?: string): Promise<RoomMessage> {
    return this.call('POST', `${roomPath(roomId)}/messages`, { text, client_id: clientId });
  }
  async message(messageId: number): Promise<RoomMessage> {
    return this.call('GET', `/api/v1/messages/${pathId(messageId)}`);
  }
  async editMessage(messageId: number, text: string): Promise<MessageChange> {
    return this.call('PATCH', `/api/v1/messages/${pathId(messageId)}`, { text });
  }
  async deleteMessage(messageId: number): Promise<MessageChange> {
    return this.call('DELETE', `/api/v1/messages/${pathId(messageId)}`);
  }
  /** Moves the caller's read marker in a room up to `seq` (never back); answers the counts. */
  async markRead(roomId: number, seq: number): Promise<ReadResult> {
    return this.call('POST', `${roomPath(roomId)}/read`, { seq });
  }

  /**
   * Messages the caller can read matching `query.q`, best first (the newest 500 matches ranked
   * per page window), each with a snippet whose parts say where the query matched. Refusals:
   * 422 (a bad field, `detail` lists them), 429 (too many searches: wait a moment), 503 (too slow
   * or too many at once: narrow it or retry).
   */
  search(query: SearchQuery): Promise<SearchAnswer> {
    const params = {
      ...query,
      before: query.before instanceof Date ? query.before.toISOString() : query.before,
      after: query.after instanceof Date ? query.after.toISOString() : query.after,
    };
    return this.call('GET', `/api/v1/search${queryString(params)}`);
  }

  // Moderation (docs/moderation.md). A refusal rejects with ChatApiError: 403 with why the caller
  // may not act on this user, 404 no such user or room, 409 a conflict, 422 a bad reason or end.

  /**
   * Reports a message the caller can read, once, with a reason of 1 to 500 characters. Refusals:
   * 409 (reported already, or their own message), 404, 422, 429 (too many reports: wait a while).
   */
  async reportMessage(messageId: number, reason: string): Promise<ReportView> {
    return this.call('POST', `/api/v1/messages/${pathId(messageId)}/reports`, { reason });
  }
  /** Bans a user site-wide (moderators and admins): their sockets close, sign-in is refused. */
  ban(request: BanRequest): Promise<BanView> {
    return this.call('POST', '/api/v1/moderation/bans', request);
  }
  /** Lifts a site ban (404 when the user is not banned). */
  async unban(userId: number): Promise<void> {
    await this.call('DELETE', `/api/v1/moderation/bans/${pathId(userId)}`);
  }
  /** The site bans in force, newest first. */
  bans(): Promise<BanView[]> {
    return this.call('GET', '/api/v1/moderation/bans');
  }
  /** Mutes a user everywhere (moderators), or in one room (whoever acts as its owner). */
  mute(request: MuteRequest): Promise<MuteView> {
    return this.call('POST', '/api/v1/moderation/mutes', request);
  }
  /** Lifts a mute by its id. */
  async unmute(muteId: number): Promise<void> {
    await this.call('DELETE', `/api/v1/moderation/mutes/${pathId(muteId)}`);
  }
  /** A user's mutes in force (moderators). */
  async mutes(userId: number): Promise<MuteView[]> {
    return this.call('GET', `/api/v1/moderation/mutes${queryString({ user_id: pathId(userId) })}`);
  }
  /** Removes a member from a room; with `ban`, keeps them out until `until` (or for good). */
  kick(request: KickRequest): Promise<KickResult> {
    return this.call('POST', '/api/v1/moderation/kicks', request);
  }
  async liftRoomBan(roomId: number, userId: number): Promise<void> {
    await this.call('DELETE', `/api/v1/moderation/room-bans/${pathId(roomId)}/${pathId(userId)}`);
  }
  /** The report queue (moderators), newest first: open reports unless `status` says otherwise. */
  async reports(query: ReportsQuery = {}): Promise<ReportsPage> {
    const cursor = query.cursor === undefined ? undefined : pathId(query.cursor);
    return this.call('GET', `/api/v1/moderation/reports${queryString({ ...query, cursor })}`);
  }
  /** Resolves an open report (409 when resolved already), deleting the message when asked. */
  async resolveReport(reportId: number, resolution: ResolveRequest = {}): Promise<ReportView> {
    return this.call('POST', `/api/v1/moderation/reports/${pathId(reportId)}/resolve`, resolution);
  }
  /** The audit log (admins), newest first. */
  audit(query: AuditQuery = {}): Promise<AuditPage> {
    return this.call('GET', `/api/v1/moderation/audit${queryString({ ...query })}`);
  }

  // Presence
  /** Each user's status, in the order asked; more than 200 users are asked for in several calls. */
  async presence(userIds: number[]): Promise<PresenceAnswer> {
    const ids = userIds.map(pathId);
    const answers: PresenceAnswer['presence'][] = [];
    for (let start = 0; start < ids.length; start += PRESENCE_MAX_USERS) {
      const query = queryString({
        user_ids: ids.slice(start, start + PRESENCE_MAX_USERS).join(','),
      });
      answers.push((await this.call<PresenceAnswer>('GET', `/api/v1/presence${query}`)).presence);
    }
    return { presence: answers.flat() };
  }
  /** How many of a room's members are online or away. */
  async roomPresence(roomId: number): Promise<RoomPresenceAnswer> {
    return this.call('GET', `/api/v1/presence${queryString({ room_id: pathId(roomId) })}`);
  }

  /** A new avatar (resized by the server in the background). */
  uploadAvatar(image: Blob, fileName = 'avatar'): Promise<unknown> {
    const form = new FormData();
    form.append('image', image, fileName);
    return this.call('POST', '/avatar/upload', form);
  }

  private async call<T>(method: string, path: string, body?: unknown, signed = true): Promise<T> {
    const headers: Record<string, string> = {};
    const token = signed ? await this.options.token?.() : undefined;
    if (token) headers.Authorization = `Bearer ${token}`;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    let response: Awaited<ReturnType<FetchLike>>;
    try {
      response = await this.fetch(new URL(path, this.options.url).toString(), {
        method,
        headers,
        body: payload,
      });
    } catch {
      throw new ChatApiError(0, undefined);
    }
    const text = await response.text().catch(() => '');
    let answer: unknown;
    try {
      answer = text === '' ? undefined : JSON.parse(text);
    } catch {
      answer = undefined;
    }
    if (!response.ok) {
      throw new ChatApiError(
        response.status,
        (answer as { detail?: ChatApiError['detail'] })?.detail,
      );
    }
    return answer as T;
  }
}

const roomPath = (roomId: number) => `/api/v1/rooms/${pathId(roomId)}`;

/**
 * An id as a path segment, refused unless it is one: an id that came from user input must never
 * turn a path into another route (`../../user/delete`).
 */
function pathId(id: number): string {
  if (!Number.isSafeInteger(id) || id < 1) throw new TypeError(`Not an id: ${String(id)}`);
  return String(id);
}

function queryString(params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') query.set(key, String(value));
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}
