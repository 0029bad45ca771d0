/** The Version 2 HTTP routes: rooms, memberships, direct messages and messages per room. */
import { call } from './http';
import type { Room, RoomKind, RoomMember, RoomMessage, RoomView } from './protocol';

/** One of the caller's rooms as `GET /api/v1/rooms` lists it. */
export interface MyRoom extends RoomView {
  last_message: RoomMessage | null;
}

/** A room of the public directory. */
export interface DirectoryRoom extends Room {
  joined: boolean;
}

export interface DirectoryPage {
  rooms: DirectoryRoom[];
  next_cursor: string | null;
}

export const HISTORY_PAGE = 50;

const room = (id: number) => `/api/v1/rooms/${id}`;

export const roomsApi = {
  mine: (token: string) => call<MyRoom[]>('GET', '/api/v1/rooms', token),
  directory: (token: string, q: string, cursor?: string) => {
    const query = new URLSearchParams({ q });
    if (cursor) query.set('cursor', cursor);
    return call<DirectoryPage>('GET', `/api/v1/rooms/public?${query}`, token);
  },
  create: (
    token: string,
    fields: { name: string; kind: Exclude<RoomKind, 'direct'>; topic: string },
  ) => call<RoomView>('POST', '/api/v1/rooms', token, fields),
  get: (token: string, id: number) => call<RoomView>('GET', room(id), token),
  update: (token: string, id: number, fields: { name?: string; topic?: string }) =>
    call<RoomView>('PATCH', room(id), token, fields),
  archive: (token: string, id: number) => call<RoomView>('DELETE', room(id), token),
  join: (token: string, id: number) => call<RoomView>('POST', `${room(id)}/join`, token),
  leave: (token: string, id: number) => call<unknown>('POST', `${room(id)}/leave`, token),
  members: (token: string, id: number) => call<RoomMember[]>('GET', `${room(id)}/members`, token),
  addMember: (token: string, id: number, userId: number) =>
    call<unknown>('POST', `${room(id)}/members`, token, { user_id: userId }),
  removeMember: (token: string, id: number, userId: number) =>
    call<unknown>('DELETE', `${room(id)}/members/${userId}`, token),
  openDirect: (token: string, userId: number) =>
    call<RoomView>('POST', '/api/v1/dms', token, { user_id: userId }),
  /** The newest page, or the page before `beforeSeq`; newest first either way. */
  messages: (token: string, id: number, beforeSeq?: number) => {
    const query = new URLSearchParams({ limit: String(HISTORY_PAGE) });
    if (beforeSeq !== undefined) query.set('before_seq', String(beforeSeq));
    return call<RoomMessage[]>('GET', `${room(id)}/messages?${query}`, token);
  },
  editMessage: (token: string, messageId: number, text: string) =>
    call<unknown>('PATCH', `/api/v1/messages/${messageId}`, token, { text }),
  deleteMessage: (token: string, messageId: number) =>
    call<unknown>('DELETE', `/api/v1/messages/${messageId}`, token),
};
