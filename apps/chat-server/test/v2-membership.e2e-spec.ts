import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, isRoomEvent, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

describe('the chat.v2 socket: live membership and the per-room sequence', () => {
  let t: TestApp;
  let rooms: ReturnType<typeof roomsApi>;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const open: V2Client[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      ROOMS_CREATED_PER_HOUR: '1000',
      MESSAGE_RATE_LIMIT: '1000',
      MESSAGE_RATE_BURST: '1000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    });
    rooms = roomsApi(t);
    [alice, bob, carol] = [await createUser(t), await createUser(t), await createUser(t)];
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(() => t.close());

  const connect = async (user: TestUser) => {
    const client = await V2Client.connect(t.baseUrl, user);
    open.push(client);
    return client;
  };
  const ofType = (type: string, roomId: number) => (frame: Frame) =>
    frame.type === type && frame.room_id === roomId;
  const history = (roomId: number, user: TestUser) =>
    t.http.get(`/api/v1/rooms/${roomId}/messages`).set(...bearer(user));

  it('an added member gets room.added on every socket, then the room; the others get member.joined', async () => {
    const roomId = await rooms.privateWith(alice);
    const owner = await connect(alice);
    const first = await connect(bob);
    const second = await connect(bob);
    await rooms.add(roomId, alice, bob);

    const added = await first.next(ofType('room.added', roomId), 'room.added');
    expect(added).toEqual({
      type: 'room.added',
      room_id: roomId,
      seq: 2,
      room: expect.objectContaining({ id: roomId, kind: 'private', member_count: 2, last_seq: 2 }),
    });
    expect(await second.next(ofType('room.added', roomId), 'room.added')).toEqual(added);
    expect(await owner.next(ofType('member.joined', roomId), 'member.joined')).toEqual({
      type: 'member.joined',
      room_id: roomId,
      seq: 2,
      member: {
        user_id: bob.id,
        name: bob.name,
        role: 1,
        user_avatar: expect.any(String),
        room_role: 'member',
      },
    });

    await owner.ok({ type: 'message.send', room_id: roomId, text: 'welcome' });
    for (const socket of [first, second]) {
      const frame = await socket.next(ofType('message.new', roomId), 'the message');
      expect(frame).toMatchObject({ seq: 3, message: { message: 'welcome' } });
      // room.added, then the message: nothing else of the room, no member.joined about oneself.
      expect(socket.roomFrames(roomId).map((f) => [f.type, f.seq])).toEqual([
        ['room.added', 2],
        ['message.new', 3],
      ]);
    }
    // The new member writes to the room at once, from either socket.
    await second.ok({ type: 'message.send', room_id: roomId, text: 'thanks' });
    await owner.next((frame) => frame.type === 'message.new' && frame.message.message === 'thanks');
  });

  it('joining a public room gives the joiner room.added and the members member.joined', async () => {
    const roomId = await rooms.create(alice, 'public');
    const owner = await connect(alice);
    const joiner = await connect(carol);
    await rooms.join(roomId, carol);
    expect(await joiner.next(ofType('room.added', roomId))).toMatchObject({
      seq: 2,
      room: { id: roomId, kind: 'public' },
    });
    expect(await owner.next(ofType('member.joined', roomId))).toMatchObject({
      seq: 2,
      member: { user_id: carol.id, room_role: 'member' },
    });
    await owner.ok({ type: 'message.send', room_id: roomId, text: 'hi carol' });
    await joiner.next(ofType('message.new', roomId));
  });

  it('a removed member gets room.removed on every socket and nothing of the room after it; history is 404', async () => {
    const roomId = await rooms.privateWith(alice, bob);
    const owner = await connect(alice);
    const first = await connect(bob);
    const second = await connect(bob);
    await rooms.remove(roomId, alice, bob);

    for (const socket of [first, second]) {
      expect(await socket.next(ofType('room.removed', roomId))).toEqual({
        type: 'room.removed',
        room_id: roomId,
        seq: 3,
        reason: 'removed',
      });
    }
    expect(await owner.next(ofType('member.left', roomId))).toEqual({
      type: 'member.left',
      room_id: roomId,
      seq: 3,
      user_id: bob.id,
      reason: 'removed',
    });
    const marks = [first.frames.length, second.frames.length];
    await owner.ok({ type: 'message.send', room_id: roomId, text: 'after you left' });
    const sent = await owner.ok({ type: 'message.send', room_id: roomId, text: 'edit me' });
    await owner.ok({ type: 'message.edit', message_id: sent.message.message_id, text: 'edited' });
    await owner.ok({ type: 'message.delete', message_id: sent.message.message_id });
    await rooms.rename(roomId, alice, 'new name');
    await rooms.add(roomId, alice, carol);
    await owner.next(ofType('member.joined', roomId));
    await settle();
    expect(first.roomFrames(roomId, marks[0])).toEqual([]);
    expect(second.roomFrames(roomId, marks[1])).toEqual([]);
    expect(first.frames.slice(marks[0]).filter((f) => f.room_id === roomId)).toEqual([]);

    await history(roomId, bob).expect(404);
    expect(
      await first.request({ type: 'message.send', room_id: roomId, text: 'let me in' }),
    ).toMatchObject({ type: 'error', code: 'not_found' });
    expect(await first.request({ type: 'resume', rooms: { [roomId]: 0 } })).toMatchObject({
      type: 'error',
      code: 'not_found',
      room_id: roomId,
    });
  });

  it('a member leaving a public room gets room.removed (left), nothing after it, and history is 403', async () => {
    const roomId = await rooms.create(alice, 'public');
    await rooms.join(roomId, bob);
    const owner = await connect(alice);
    const leaver = await connect(bob);
    await rooms.leave(roomId, bob);
    expect(await leaver.next(ofType('room.removed', roomId))).toEqual({
      type: 'room.removed',
      room_id: roomId,
      seq: 3,
      reason: 'left',
    });
    expect(await owner.next(ofType('member.left', roomId))).toMatchObject({
      seq: 3,
      user_id: bob.id,
      reason: 'left',
    });
    const mark = leaver.frames.length;
    await owner.ok({ type: 'message.send', room_id: roomId, text: 'gone' });
    await rooms.rename(roomId, alice, 'quiet');
    await owner.next(ofType('room.updated', roomId));
    await settle();
    expect(leaver.frames.slice(mark).filter((f) => f.room_id === roomId)).toEqual([]);
    await history(roomId, bob).expect(403);
  });

  it('a member who comes back is numbered from the room.added on, with nothing in between', async () => {
    const roomId = await rooms.create(alice, 'public');
    await rooms.join(roomId, bob);
    const owner = await connect(alice);
    const member = await connect(bob);
    await rooms.leave(roomId, bob);
    await member.next(ofType('room.removed', roomId));
    await owner.ok({ type: 'message.send', room_id: roomId, text: 'while away' });
    await rooms.join(roomId, bob);
    await member.next(ofType('room.added', roomId));
    await owner.ok({ type: 'message.send', room_id: roomId, text: 'back' });
    await member.next((f) => f.type === 'message.new' && f.message.message === 'back');
    expect(member.roomFrames(roomId).map((f) => [f.type, f.seq])).toEqual([
      ['room.removed', 3],
      ['room.added', 5],
      ['message.new', 6],
    ]);
  });

  it("numbers every change of a room +1 as a member's socket sees it: message, edit, delete, join, leave, rename, archive", async () => {
    const roomId = await rooms.create(alice, 'public');
    const watcher = await connect(alice);
    const writer = await connect(bob);
    await rooms.join(roomId, bob);
    await writer.next(ofType('room.added', roomId));
    const sent = await writer.ok({ type: 'message.send', room_id: roomId, text: 'one' });
    await writer.ok({ type: 'message.edit', message_id: sent.message.message_id, text: 'two' });
    await writer.ok({ type: 'message.delete', message_id: sent.message.message_id });
    await rooms.join(roomId, carol);
    await rooms.leave(roomId, carol);
    await rooms.rename(roomId, alice, 'renamed');
    await t.http
      .patch(`/api/v1/rooms/${roomId}`)
      .set(...bearer(alice))
      .send({ topic: 'a topic' })
      .expect(200);
    await writer.ok({ type: 'message.send', room_id: roomId, text: 'last' });
    await rooms.archive(roomId, alice);

    // The room's changes, not the counts (the deleted message was unread for the watcher).
    const seen = await watcher.collect(isRoomEvent(roomId), 10);
    expect(seen.map((f) => [f.type, f.seq])).toEqual([
      ['member.joined', 2],
      ['message.new', 3],
      ['message.updated', 4],
      ['message.deleted', 5],
      ['member.joined', 6],
      ['member.left', 7],
      ['room.updated', 8],
      ['room.updated', 9],
      ['message.new', 10],
      ['room.updated', 11],
    ]);
    expect(seen[9]).toMatchObject({ room: { archived: true, last_seq: 11 } });
    expect(seen[6]).toMatchObject({ room: { id: roomId, name: 'renamed', last_seq: 8 } });
    expect(seen[7]).toMatchObject({ room: { topic: 'a topic' } });
    const fromWriter = await writer.collect(isRoomEvent(roomId), 10);
    expect(fromWriter.map((f) => f.seq)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await rooms.lastSeq(roomId)).toBe(11);
  });

  it('numbers changes from many writers gap-free and in one order on every socket', async () => {
    const roomId = await rooms.create(alice, 'public');
    await rooms.join(roomId, bob);
    await rooms.join(roomId, carol);
    const sockets = await Promise.all([alice, bob, carol].map((user) => connect(user)));
    const base = await rooms.lastSeq(roomId);
    await Promise.all(
      sockets.flatMap((socket, n) =>
        Array.from({ length: 10 }, (_, i) =>
          socket.ok({ type: 'message.send', room_id: roomId, text: `w${n}-${i}` }),
        ),
      ),
    );
    const orders = await Promise.all(
      sockets.map(async (socket) =>
        (await socket.collect(ofType('message.new', roomId), 30)).map((f) => [
          f.seq,
          f.message.message_id,
        ]),
      ),
    );
    expect(orders[0].map(([seq]) => seq)).toEqual(
      Array.from({ length: 30 }, (_, i) => base + i + 1),
    );
    expect(orders[1]).toEqual(orders[0]);
    expect(orders[2]).toEqual(orders[0]);
  });

  it('a socket that signs in later is told its rooms and gets their changes', async () => {
    const roomId = await rooms.privateWith(alice, bob);
    const late = await connect(bob);
    expect(late.authAck.rooms).toContainEqual({ room_id: roomId, last_seq: 2 });
    const owner = await connect(alice);
    await owner.ok({ type: 'message.send', room_id: roomId, text: 'late' });
    expect(await late.next(ofType('message.new', roomId))).toMatchObject({ seq: 3 });
  });
});
