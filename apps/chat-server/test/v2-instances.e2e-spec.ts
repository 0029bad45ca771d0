import { randomBytes } from 'node:crypto';
import { createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, isRoomEvent, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

/**
 * chat.v2 sockets on two instances of one deployment (events over Redis), where a change is in the
 * database before its event reaches the other instance: a socket there must neither miss it nor
 * get it twice.
 */
describe('the chat.v2 socket on two instances', () => {
  let east: TestApp;
  let west: TestApp;
  let rooms: ReturnType<typeof roomsApi>;
  let alice: TestUser;
  let bob: TestUser;
  const open: V2Client[] = [];

  beforeAll(async () => {
    const variables = {
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      REDIS_PREFIX: `chat-test-${randomBytes(4).toString('hex')}:`,
      ROOMS_CREATED_PER_HOUR: '1000',
      MESSAGE_RATE_LIMIT: '100000',
      MESSAGE_RATE_BURST: '100000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    };
    east = await startTestApp(variables);
    west = await startTestApp(variables, east);
    rooms = roomsApi(east);
    [alice, bob] = [await createUser(east), await createUser(east)];
  });
  afterEach(() => {
    for (const client of open.splice(0)) client.close();
  });
  afterAll(async () => {
    await west.close();
    await east.close();
  });

  const connect = async (t: TestApp, user: TestUser) => {
    const client = await V2Client.connect(t.baseUrl, user);
    open.push(client);
    return client;
  };
  /** 300 messages from `writer`, 50 in flight at a time. */
  const writeMany = async (writer: V2Client, roomId: number) => {
    for (let batch = 0; batch < 6; batch++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          writer.ok({ type: 'message.send', room_id: roomId, text: `busy ${batch}-${i}` }),
        ),
      );
    }
  };
  const range = (after: number, last: number) =>
    Array.from({ length: last - after }, (_, i) => after + i + 1);

  it('a socket signing in on one instance while the other writes gets each change after its number once', async () => {
    const roomId = await rooms.create(alice, 'public');
    await rooms.join(roomId, bob);
    // A member on west already, so west follows the room throughout.
    await connect(west, alice);
    const writer = await connect(east, alice);
    const writing = writeMany(writer, roomId);
    const readers: V2Client[] = [];
    while (readers.length < 15) {
      readers.push(await connect(west, bob));
      await settle(10);
    }
    await writing;
    const last = await rooms.lastSeq(roomId);
    const fromOf = (reader: V2Client) =>
      reader.authAck.rooms.find((room: Frame) => room.room_id === roomId).last_seq as number;
    for (const reader of readers) {
      const seqs = (await reader.collect(isRoomEvent(roomId), last - fromOf(reader))).map(
        (frame) => frame.seq,
      );
      expect(seqs).toEqual(range(fromOf(reader), last));
    }
    await settle();
    for (const reader of readers) {
      expect(reader.roomFrames(roomId)).toHaveLength(last - fromOf(reader));
    }
  });

  it('a resume on one instance while the other writes: every number once, resumed at its place', async () => {
    const roomId = await rooms.create(alice, 'public');
    await rooms.join(roomId, bob);
    await connect(west, alice);
    const writer = await connect(east, alice);
    await writeMany(writer, roomId);
    for (let round = 0; round < 5; round++) {
      const point = (await rooms.lastSeq(roomId)) - 200;
      const reader = await connect(west, bob);
      const writing = writeMany(writer, roomId);
      await settle(5 * round);
      reader.send({ type: 'resume', req: 'resume', rooms: { [roomId]: point } });
      await writing;
      const last = await rooms.lastSeq(roomId);
      const events = await reader.collect(isRoomEvent(roomId), last - point);
      expect(events.map((frame) => frame.seq).sort((a, b) => a - b)).toEqual(range(point, last));
      // Before `resumed`, nothing past its last_seq (only what came live before the resume was
      // read, then the replay); after it, the rest in order.
      const resumedAt = reader.frames.findIndex((frame) => frame.type === 'resumed');
      const resumed = reader.frames[resumedAt];
      expect(resumed).toMatchObject({ room_id: roomId, recovered: true });
      const before = reader.frames.slice(0, resumedAt).filter(isRoomEvent(roomId));
      expect(before.filter((frame) => frame.seq > resumed.last_seq)).toEqual([]);
      const after = reader.frames.slice(resumedAt).filter(isRoomEvent(roomId));
      expect(after.map((frame) => frame.seq)).toEqual(range(resumed.last_seq, last));
      await settle();
      expect(reader.roomFrames(roomId)).toHaveLength(last - point);
      reader.close();
    }
  });
});
