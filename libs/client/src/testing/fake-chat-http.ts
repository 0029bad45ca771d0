import type { MyRoom, PresenceAnswer, RoomPresenceAnswer } from '@chat/protocol';
import type { FetchLike } from '../http';
import type { FakeChatServer } from './fake-chat-server';
import { fakeSearch } from './fake-search';

type Answer = { status: number; body?: unknown };

/**
 * The fake server's HTTP routes the SDK's tests need, as a `fetch`: GET /api/v1/rooms (with each
 * room's counts, exact as of its last_seq), POST /api/v1/rooms/:id/read, GET /api/v1/presence,
 * GET /api/v1/search (see fakeSearch), and moderation with message reports (see FakeModeration);
 * a refusal set with `refuseNextRequest` comes first. Each answer is taken when asked and comes
 * in a later microtask, or once HTTP is released while the server holds it.
 */
export function fakeHttp(server: FakeChatServer): FetchLike {
  return async (url, init) => {
    await Promise.resolve();
    const token = /^Bearer (.+)$/.exec(init.headers.Authorization ?? '')?.[1];
    const userId = token === undefined ? undefined : server.sessionOf(token);
    const answer: Answer =
      userId === undefined
        ? { status: 401, body: { detail: 'Not authenticated' } }
        : (server.takeRefusal(init.method, new URL(url).pathname) ??
          route(server, userId, init.method, new URL(url), init.body));
    const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
    await new Promise<void>((resolve) => server.whenReleased('http', resolve));
    return { ok: answer.status < 300, status: answer.status, text: async () => text };
  };
}

function route(
  server: FakeChatServer,
  userId: number,
  method: string,
  url: URL,
  body: unknown,
): Answer {
  const read = /^\/api\/v1\/rooms\/(\d+)\/read$/.exec(url.pathname);
  if (method === 'POST' && read) {
    const roomId = Number(read[1]);
    const counts = server.markRead(userId, roomId, JSON.parse(String(body)).seq);
    return counts
      ? { status: 200, body: { room_id: roomId, ...counts } }
      : { status: 404, body: { detail: 'Room not found' } };
  }
  if (method === 'GET' && url.pathname === '/api/v1/rooms') {
    return {
      status: 200,
      body: server.roomsOf(userId).map((room) => myRoom(server, userId, room)),
    };
  }
  if (method === 'GET' && url.pathname === '/api/v1/search') return fakeSearch(server, userId, url);
  const moderated = server.moderation.route(userId, method, url, body);
  if (moderated) return moderated;
  if (method === 'GET' && url.pathname === '/api/v1/presence') {
    const roomId = url.searchParams.get('room_id');
    if (roomId !== null) {
      const answer: RoomPresenceAnswer = {
        room_id: Number(roomId),
        online: server.onlineIn(+roomId),
      };
      return { status: 200, body: answer };
    }
    const ids = (url.searchParams.get('user_ids') ?? '').split(',').map(Number);
    if (ids.length > 200) return { status: 422, body: { detail: 'At most 200 user ids' } };
    const answer: PresenceAnswer = {
      presence: ids.map((id) => ({ user_id: id, status: server.presenceOf(id) })),
    };
    return { status: 200, body: answer };
  }
  return { status: 404, body: { detail: 'Not found' } };
}

function myRoom(
  server: FakeChatServer,
  userId: number,
  room: { roomId: number; lastSeq: number; members: number },
): MyRoom {
  const last = server.stored(room.roomId).at(-1) ?? null;
  return {
    id: room.roomId,
    kind: 'public',
    name: `room ${room.roomId}`,
    topic: '',
    created_at: '2030-01-01T00:00:00.000Z',
    member_count: room.members,
    last_seq: room.lastSeq,
    archived: false,
    room_role: 'member',
    peer: null,
    ...server.counts(userId, room.roomId),
    last_message: last,
  };
}
