import { createUser, TestUser } from './support/factories';
import { delta, readMetrics } from './support/metrics';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, isRoomEvent, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

const RESUME_MAX_MESSAGES = 50;

describe('the chat.v2 socket: resume', () => {
  let t: TestApp;
  let rooms: ReturnType<typeof roomsApi>;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const open: V2Client[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      ROOMS_CREATED_PER_HOUR: '1000',
      MESSAGE_RATE_LIMIT: '100000',
      MESSAGE_RATE_BURST: '100000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      RESUME_MAX_MESSAGES: String(RESUME_MAX_MESSAGES),
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
  const send = (client: V2Client, roomId: number, text: string, clientId?: string) =>
    client.ok({ type: 'message.send', room_id: roomId, text, client_id: clientId });
  const sendMany = (client: V2Client, roomId: number, count: number, prefix = 'm') =>
    sendInBatches(client, roomId, count, prefix);
  /** Sends a resume and waits for its ack (errors about single rooms come before it). */
  const resume = async (client: V2Client, points: Record<number, number>, req = 'resume') => {
    const from = client.frames.length;
    client.send({ type: 'resume', req, rooms: points });
    await client.next((frame) => frame.type === 'ack' && frame.req === req, 'the resume ack', from);
    return client.frames.slice(from);
  };
  const summary = (frames: Frame[]) =>
    frames.map((frame) =>
      frame.type === 'resumed'
        ? ['resumed', frame.room_id, frame.recovered, frame.last_seq]
        : frame.type === 'ack' || frame.type === 'error'
          ? [frame.type, frame.code ?? frame.req]
          : [frame.type, frame.seq],
    );

  it('replays messages, edits and deletes after the point, oldest first, then resumed, then the ack, then live', async () => {
    const roomId = await rooms.privateWith(alice, bob);
    const writer = await connect(alice);
    const point = await rooms.lastSeq(roomId);
    const one = await send(writer, roomId, 'one', 'key-1');
    const two = await send(writer, roomId, 'two');
    await writer.ok({ type: 'message.edit', message_id: one.message.message_id, text: 'one!' });
    await writer.ok({ type: 'message.delete', message_id: two.message.message_id });
    const three = await send(writer, roomId, 'three');

    const reader = await connect(bob);
    const frames = await resume(reader, { [roomId]: point });
    expect(summary(frames)).toEqual([
      ['message.new', point + 1],
      ['message.deleted', point + 2],
      ['message.updated', point + 3],
      ['message.deleted', point + 4],
      ['message.new', point + 5],
      ['resumed', roomId, true, point + 5],
      ['ack', 'resume'],
    ]);
    // Each as it stands now: the first message with its new text and edit time.
    const updated = frames[2];
    expect(frames[0]).toEqual({
      type: 'message.new',
      room_id: roomId,
      seq: point + 1,
      message: {
        ...one.message,
        message: 'one!',
        edited: true,
        edited_at: updated.edited_at,
      },
      client_id: 'key-1',
    });
    expect(frames[1]).toEqual({
      type: 'message.deleted',
      room_id: roomId,
      seq: point + 2,
      message_id: two.message.message_id,
    });
    expect(updated).toEqual({
      type: 'message.updated',
      room_id: roomId,
      seq: point + 3,
      message_id: one.message.message_id,
      text: 'one!',
      edited_at: expect.any(String),
      mentions: [],
    });
    expect(frames[3]).toEqual({
      type: 'message.deleted',
      room_id: roomId,
      seq: point + 4,
      message_id: two.message.message_id,
    });
    expect(frames[4]).toEqual({
      type: 'message.new',
      room_id: roomId,
      seq: point + 5,
      message: three.message,
    });
    expect(frames[5]).toEqual({
      type: 'resumed',
      room_id: roomId,
      recovered: true,
      last_seq: point + 5,
    });

    const mark = reader.frames.length;
    await send(writer, roomId, 'four');
    expect(await reader.next(isRoomEvent(roomId), 'the live message', mark)).toMatchObject({
      type: 'message.new',
      seq: point + 6,
    });
    await settle();
    expect(reader.roomFrames(roomId).map((frame) => frame.seq)).toEqual(
      [1, 2, 3, 4, 5, 6].map((n) => point + n),
    );
  });

  it('replays membership and room changes too, each at its number', async () => {
    const roomId = await rooms.create(alice, 'public');
    await rooms.join(roomId, bob);
    const point = await rooms.lastSeq(roomId);
    await rooms.join(roomId, carol);
    await rooms.rename(roomId, alice, 'renamed');
    await rooms.leave(roomId, carol);
    const reader = await connect(bob);
    const frames = await resume(reader, { [roomId]: point });
    expect(summary(frames)).toEqual([
      ['member.joined', point + 1],
      ['room.updated', point + 2],
      ['member.left', point + 3],
      ['resumed', roomId, true, point + 3],
      ['ack', 'resume'],
    ]);
    expect(frames[0]).toMatchObject({ member: { user_id: carol.id, room_role: 'member' } });
    expect(frames[1]).toMatchObject({ room: { id: roomId, name: 'renamed' } });
    expect(frames[2]).toMatchObject({ user_id: carol.id, reason: 'left' });
  });

  it('answers a resume at the last number with resumed alone', async () => {
    const roomId = await rooms.privateWith(alice, bob);
    const reader = await connect(bob);
    const last = await rooms.lastSeq(roomId);
    expect(summary(await resume(reader, { [roomId]: last }))).toEqual([
      ['resumed', roomId, true, last],
      ['ack', 'resume'],
    ]);
  });

  it('resumes several rooms, each replay then its resumed, and acks after the last', async () => {
    const first = await rooms.privateWith(alice, bob);
    const second = await rooms.privateWith(alice, bob);
    const writer = await connect(alice);
    const points = {
      [first]: await rooms.lastSeq(first),
      [second]: await rooms.lastSeq(second),
      1: await rooms.lastSeq(1),
    };
    await send(writer, first, 'a');
    await send(writer, second, 'b');
    await send(writer, second, 'c');
    await send(writer, 1, 'g');
    const reader = await connect(bob);
    const frames = await resume(reader, points);
    expect(frames.at(-1)).toEqual({ type: 'ack', req: 'resume' });
    for (const [roomId, count] of [
      [first, 1],
      [second, 2],
      [1, 1],
    ]) {
      const ofRoom = frames.filter((frame) => frame.room_id === roomId);
      expect(summary(ofRoom)).toEqual([
        ...Array.from({ length: count }, (_, i) => ['message.new', points[roomId] + i + 1]),
        ['resumed', roomId, true, points[roomId] + count],
      ]);
    }
  });

  it('leaves out of the replay what the socket was sent live, and sends nothing twice', async () => {
    const roomId = await rooms.privateWith(alice, bob);
    const writer = await connect(alice);
    const point = await rooms.lastSeq(roomId);
    await send(writer, roomId, 'before the socket');
    const reader = await connect(bob);
    await send(writer, roomId, 'live');
    await reader.next(isRoomEvent(roomId));
    const frames = await resume(reader, { [roomId]: point });
    expect(summary(frames)).toEqual([
      ['message.new', point + 1],
      ['resumed', roomId, true, point + 2],
      ['ack', 'resume'],
    ]);
    expect(reader.roomFrames(roomId).map((frame) => frame.seq)).toEqual([point + 2, point + 1]);
  });

  it('answers recovered: false with last_seq beyond RESUME_MAX_MESSAGES, sends none of the past, then live', async () => {
    const roomId = await rooms.privateWith(alice, bob);
    const writer = await connect(alice);
    const point = await rooms.lastSeq(roomId);
    await sendMany(writer, roomId, RESUME_MAX_MESSAGES + 1);
    const last = await rooms.lastSeq(roomId);
    const reader = await connect(bob);
    expect(await resume(reader, { [roomId]: point })).toEqual([
      { type: 'resumed', room_id: roomId, recovered: false, last_seq: last },
      { type: 'ack', req: 'resume' },
    ]);
    await send(writer, roomId, 'live');
    expect(await reader.next(isRoomEvent(roomId))).toMatchObject({ seq: last + 1 });
    // Exactly at the bound, it replays.
    const again = await connect(bob);
    const frames = await resume(again, { [roomId]: last + 1 - RESUME_MAX_MESSAGES });
    expect(frames.filter(isRoomEvent(roomId))).toHaveLength(RESUME_MAX_MESSAGES);
    expect(frames.at(-2)).toEqual({
      type: 'resumed',
      room_id: roomId,
      recovered: true,
      last_seq: last + 1,
    });
  });

  it('answers recovered: false for a number ahead of the room', async () => {
    const roomId = await rooms.privateWith(alice, bob);
    const last = await rooms.lastSeq(roomId);
    const reader = await connect(bob);
    expect(await resume(reader, { [roomId]: last + 5 })).toEqual([
      { type: 'resumed', room_id: roomId, recovered: false, last_seq: last },
      { type: 'ack', req: 'resume' },
    ]);
    const writer = await connect(alice);
    await send(writer, roomId, 'live');
    expect(await reader.next(isRoomEvent(roomId))).toMatchObject({ seq: last + 1 });
  });

  it('answers not_found with the room_id for a room the caller is not in, and resumes the others', async () => {
    const hidden = await rooms.privateWith(alice);
    const publicRoom = await rooms.create(alice, 'public');
    const mine = await rooms.privateWith(alice, bob);
    const reader = await connect(bob);
    const last = await rooms.lastSeq(mine);
    const frames = await resume(reader, {
      [hidden]: 0,
      [publicRoom]: 0,
      [mine]: last,
      2_000_000: 0,
    });
    expect(frames).toEqual(
      expect.arrayContaining([
        {
          type: 'error',
          req: 'resume',
          code: 'not_found',
          detail: expect.any(String),
          room_id: hidden,
        },
        {
          type: 'error',
          req: 'resume',
          code: 'not_found',
          detail: expect.any(String),
          room_id: publicRoom,
        },
        {
          type: 'error',
          req: 'resume',
          code: 'not_found',
          detail: expect.any(String),
          room_id: 2_000_000,
        },
        { type: 'resumed', room_id: mine, recovered: true, last_seq: last },
      ]),
    );
    expect(frames).toHaveLength(5);
    expect(frames.at(-1)).toEqual({ type: 'ack', req: 'resume' });
    await settle();
    expect(
      reader.frames.filter((frame) => frame.room_id === hidden && frame.type !== 'error'),
    ).toEqual([]);
  });

  it('replays a deleted message as message.deleted at its own number', async () => {
    const roomId = await rooms.privateWith(alice, bob);
    const writer = await connect(alice);
    const point = await rooms.lastSeq(roomId);
    const gone = await send(writer, roomId, 'gone');
    await send(writer, roomId, 'stays');
    await writer.ok({ type: 'message.delete', message_id: gone.message.message_id });
    const reader = await connect(bob);
    const frames = (await resume(reader, { [roomId]: point })).filter(isRoomEvent(roomId));
    expect(frames).toEqual([
      {
        type: 'message.deleted',
        room_id: roomId,
        seq: point + 1,
        message_id: gone.message.message_id,
      },
      expect.objectContaining({ type: 'message.new', seq: point + 2 }),
      {
        type: 'message.deleted',
        room_id: roomId,
        seq: point + 3,
        message_id: gone.message.message_id,
      },
    ]);
    expect(JSON.stringify(frames)).not.toContain('"gone"');
  });
});

describe('the chat.v2 socket: resume under concurrent traffic', () => {
  let t: TestApp;
  let rooms: ReturnType<typeof roomsApi>;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const open: V2Client[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      ROOMS_CREATED_PER_HOUR: '1000',
      MESSAGE_RATE_LIMIT: '100000',
      MESSAGE_RATE_BURST: '100000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      RESUME_MAX_MESSAGES: '5000',
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
  const sendMany = (client: V2Client, roomId: number, count: number, prefix = 'm') =>
    sendInBatches(client, roomId, count, prefix);

  it('takes in the messages sent while it replays: every number once, in order, resumed at its place', async () => {
    const roomId = await rooms.create(alice, 'public');
    await rooms.join(roomId, bob);
    await rooms.join(roomId, carol);
    const writer = await connect(alice);
    const sideWriter = await connect(carol);
    const point = await rooms.lastSeq(roomId);
    await sendMany(writer, roomId, 1_200);
    for (let round = 0; round < 5; round++) {
      const reader = await connect(bob);
      const mark = reader.frames.length;
      reader.send({ type: 'resume', req: 'resume', rooms: { [roomId]: point } });
      // Once the replay has begun: a live change the server read before the resume may come
      // first, as the protocol allows, and this test is about those sent during the replay.
      const first = (frame: Frame) => isRoomEvent(roomId)(frame) && frame.seq === point + 1;
      await reader.next(first, 'the first replayed change', mark);
      await sendMany(sideWriter, roomId, 30, `r${round}-`);
      const last = await rooms.lastSeq(roomId);
      const events = await reader.collect(isRoomEvent(roomId), last - point, mark);
      expect(events.map((f) => f.seq)).toEqual(range(point + 1, last));
      const after = reader.frames.slice(mark);
      const resumedAt = after.findIndex((frame) => frame.type === 'resumed');
      const resumed = after[resumedAt];
      expect(resumed).toMatchObject({ room_id: roomId, recovered: true });
      const replayed = after.slice(0, resumedAt).filter(isRoomEvent(roomId));
      expect(replayed.at(-1)?.seq).toBe(resumed.last_seq);
      expect(after.slice(resumedAt).filter(isRoomEvent(roomId))[0]?.seq ?? last + 1).toBe(
        resumed.last_seq + 1,
      );
      await reader.next((frame) => frame.type === 'ack' && frame.req === 'resume', 'ack', mark);
      await settle(100);
      expect(reader.frames.filter(isRoomEvent(roomId))).toHaveLength(last - point);
      reader.close();
    }
  });

  it('holds every resumed room in order while an earlier room replays', async () => {
    const big = await rooms.create(alice, 'public');
    const busy = await rooms.create(alice, 'public');
    for (const roomId of [big, busy]) await rooms.join(roomId, bob);
    const writer = await connect(alice);
    const bigPoint = await rooms.lastSeq(big);
    await sendMany(writer, big, 1_200);
    await sendMany(writer, busy, 5, 'backlog-');
    for (let round = 0; round < 5; round++) {
      // The busy room has changes to replay too, and live ones come while the big room replays.
      const busyPoint = (await rooms.lastSeq(busy)) - 5;
      const reader = await connect(bob);
      const mark = reader.frames.length;
      reader.send({ type: 'resume', req: 'resume', rooms: { [big]: bigPoint, [busy]: busyPoint } });
      await sendMany(writer, busy, 20, `busy${round}-`);
      const last = await rooms.lastSeq(busy);
      const events = await reader.collect(isRoomEvent(busy), last - busyPoint, mark);
      expect(events.map((f) => f.seq)).toEqual(range(busyPoint + 1, last));
      await reader.next((frame) => frame.type === 'ack' && frame.req === 'resume', 'ack', mark);
      reader.close();
    }
  });

  it('does not count a socket that closes during its replay as a slow consumer', async () => {
    const roomId = await rooms.create(alice, 'public');
    await rooms.join(roomId, bob);
    const writer = await connect(alice);
    await sendMany(writer, roomId, 1_200);
    const before = await readMetrics(t);
    for (let attempt = 0; attempt < 3; attempt++) {
      const reader = await V2Client.connect(t.baseUrl, bob);
      reader.send({ type: 'resume', req: 'resume', rooms: { [roomId]: 0 } });
      await reader.next(isRoomEvent(roomId), 'the first replayed change');
      reader.close();
      await reader.closed;
    }
    await settle(500);
    const after = await readMetrics(t);
    expect(delta(before, after, 'chat_ws_slow_consumer_disconnects_total')).toBe(0);
  });
});

/** Sends `count` messages, 100 in flight at a time. */
async function sendInBatches(client: V2Client, roomId: number, count: number, prefix: string) {
  for (let from = 0; from < count; from += 100) {
    await Promise.all(
      Array.from({ length: Math.min(100, count - from) }, (_, i) =>
        client.ok({ type: 'message.send', room_id: roomId, text: `${prefix}${from + i}` }),
      ),
    );
  }
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i);
}
