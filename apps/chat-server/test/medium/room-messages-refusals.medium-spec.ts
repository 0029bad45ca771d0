import { AuthUser } from '@chat/auth';
import { NotFoundError, PermissionError } from '@chat/errors';
import { MessagesModule, RoomMessagesService } from '@chat/messages';
import { Role } from '@chat/roles';
import { UsersService } from '@chat/users';
import { createMediumModule, MediumModule, privateRoom, uniqueName } from './support/medium-module';

/**
 * A socket that is in a room sends without a membership query: the insert itself refuses what the
 * query would have, and the refusal is answered as the query's would be.
 */
describe('room messages sent by a socket already in the room', () => {
  let m: MediumModule;
  let messages: RoomMessagesService;
  let member: AuthUser;
  let outsider: AuthUser;
  let roomId: number;

  beforeAll(async () => {
    m = await createMediumModule([MessagesModule]);
    messages = m.get(RoomMessagesService);
    const users = m.get(UsersService);
    const caller = async (prefix: string) => {
      const user = await users.create(uniqueName(prefix), 'correct horse', Role.User);
      return { id: user.id, role: Role.User, sessionId: prefix };
    };
    member = await caller('member');
    outsider = await caller('outsider');
    roomId = await privateRoom(m.db, [member.id]);
  });
  afterAll(() => m.close());

  it("stores a member's message, numbered in the room", async () => {
    const sent = await messages.send(member, roomId, 'hello', undefined, true);
    expect(sent.message).toMatchObject({ room_id: roomId, seq: 1, message: 'hello' });
  });

  it('answers a removed member "Room not found" and stores nothing', async () => {
    await expect(messages.send(outsider, roomId, 'let me in', undefined, true)).rejects.toEqual(
      new NotFoundError('Room not found'),
    );
    const [{ count }] = await m.db.query(
      'SELECT count(*)::int AS count FROM messages WHERE room_id = $1',
      [roomId],
    );
    expect(count).toBe(1);
  });

  it('answers "The room is archived" in an archived room', async () => {
    await m.db.query('UPDATE rooms SET archived_at = now() WHERE id = $1', [roomId]);
    await expect(messages.send(member, roomId, 'too late', undefined, true)).rejects.toEqual(
      new PermissionError('The room is archived'),
    );
  });
});
