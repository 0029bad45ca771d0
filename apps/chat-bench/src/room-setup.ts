import { ChatHttp } from '@chat/client';
import { membersOf, RoomLayout } from './room-layout';

/** The chat server's side of the rooms scenario: one user per socket, and the rooms they are in. */
export interface RoomUsers {
  /** The token of each socket's user, by socket index. */
  tokens: string[];
  /** The id of each socket's user, by socket index. */
  userIds: number[];
  /** The room id of each of the layout's rooms. */
  roomIds: number[];
}

/** Requests in flight at once while setting up (the server is otherwise idle). */
const PARALLEL = 8;
const PASSWORD = 'bench password';

/**
 * Registers a user per socket (named after the scenario), and has the first member of each room create it (public) and add
 * the others, all over the HTTP API (through the SDK's helpers). Every user is in the general room
 * already.
 */
export async function setUpRooms(
  httpUrl: string,
  layout: RoomLayout,
  scenario = 'room',
): Promise<RoomUsers> {
  const anonymous = new ChatHttp({ url: httpUrl });
  const users = await inParallel(layout.connections, async (i) => {
    const name = `bench-${process.pid}-${scenario}-${i}`;
    await anonymous.register(name, PASSWORD);
    return anonymous.login(name, PASSWORD);
  });
  const roomIds = await inParallel(layout.rooms, async (room) => {
    const [owner, ...others] = membersOf(layout, room).map((socket) => users[socket]);
    const asOwner = new ChatHttp({ url: httpUrl, token: () => owner.token });
    const created = await asOwner.createRoom({ name: `bench room ${room}`, kind: 'public' });
    for (const member of others) await asOwner.addMember(created.id, member.user_id);
    return created.id;
  });
  return {
    tokens: users.map((user) => user.token),
    userIds: users.map((user) => user.user_id),
    roomIds,
  };
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
