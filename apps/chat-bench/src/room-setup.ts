import { membersOf, RoomLayout } from './room-layout';

/** The chat server's side of the rooms scenario: one user per socket, and the rooms they are in. */
export interface RoomUsers {
  /** The token of each socket's user, by socket index. */
  tokens: string[];
  /** The room id of each of the layout's rooms. */
  roomIds: number[];
}

/** Requests in flight at once while setting up (the server is otherwise idle). */
const PARALLEL = 8;

/**
 * Registers a user per socket, and has the first member of each room create it (public) and add
 * the others, all over the HTTP API. Every user is in the general room already.
 */
export async function setUpRooms(httpUrl: string, layout: RoomLayout): Promise<RoomUsers> {
  const users = await inParallel(layout.connections, async (i) => {
    const credentials = { name: `bench-${process.pid}-room-${i}`, password: 'bench password' };
    await call(httpUrl, 'POST', '/auth/register-user', credentials);
    return (await call(httpUrl, 'POST', '/user/login', credentials)) as {
      token: string;
      user_id: number;
    };
  });
  const roomIds = await inParallel(layout.rooms, async (room) => {
    const [owner, ...others] = membersOf(layout, room).map((socket) => users[socket]);
    const created = (await call(
      httpUrl,
      'POST',
      '/api/v1/rooms',
      { name: `bench room ${room}`, kind: 'public' },
      owner.token,
    )) as { id: number };
    for (const member of others) {
      await call(
        httpUrl,
        'POST',
        `/api/v1/rooms/${created.id}/members`,
        { user_id: member.user_id },
        owner.token,
      );
    }
    return created.id;
  });
  return { tokens: users.map((user) => user.token), roomIds };
}

async function call(
  httpUrl: string,
  method: string,
  path: string,
  body: object,
  token?: string,
): Promise<unknown> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${httpUrl}${path}`, {
    method,
    headers,
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}

/** `work(i)` for i from 0 to count - 1, `PARALLEL` at a time; the results in order of i. */
async function inParallel<T>(count: number, work: (i: number) => Promise<T>): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await work(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, count) }, worker));
  return results;
}
