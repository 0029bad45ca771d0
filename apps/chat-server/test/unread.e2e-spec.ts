import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

/** Read markers over HTTP and the socket, the counts in GET /api/v1/rooms, and `unread` pushes. */
describe('read markers and unread counts', () => {
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
  const send = async (socket: V2Client, roomId: number, text: string) =>
    (await socket.ok({ type: 'message.send', room_id: roomId, text })).message as Frame;
  const read = (user: TestUser, roomId: number | string, body: unknown) =>
    t.http
      .post(`/api/v1/rooms/${roomId}/read`)
      .set(...bearer(user))
      .send(body as object);
  const listed = async (user: TestUser, roomId: number) => {
    const response = await t.http
      .get('/api/v1/rooms')
      .set(...bearer(user))
      .expect(200);
    const room = response.body.find((r: Frame) => r.id === roomId);
    return { unread: room.unread, mentions: room.mentions, last_read_seq: room.last_read_seq };
  };
  const unreadIn = (roomId: number) => (frame: Frame) =>
    frame.type === 'unread' && frame.room_id === roomId;
  const readIn = (roomId: number) => (frame: Frame) =>
    frame.type === 'read' && frame.room_id === roomId;

  describe('POST /api/v1/rooms/:id/read', () => {
    it("moves the marker, answers the counts, and the caller's devices get read then unread", async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      // Bob has read the room up to his own joining.
      const joined = await rooms.lastSeq(roomId);
      for (const text of ['one', `two @${bob.name}`, 'three']) await send(a, roomId, text);
      const last = await rooms.lastSeq(roomId);
      expect(await listed(bob, roomId)).toEqual({
        unread: 3,
        mentions: 1,
        last_read_seq: joined - 1,
      });
      const [phone, laptop] = [await connect(bob), await connect(bob)];
      const response = await read(bob, roomId, { seq: last - 1 }).expect(200);
      expect(response.body).toEqual({
        room_id: roomId,
        unread: 1,
        mentions: 0,
        last_read_seq: last - 1,
      });
      for (const device of [phone, laptop]) {
        const moved = await device.next(readIn(roomId));
        expect(moved).toEqual({ type: 'read', room_id: roomId, seq: last - 1 });
        expect(await device.next(unreadIn(roomId))).toEqual({
          type: 'unread',
          room_id: roomId,
          unread: 1,
          mentions: 0,
          last_read_seq: last - 1,
          last_seq: last,
        });
        expect(device.frames.indexOf(moved)).toBeLessThan(
          device.frames.findIndex(unreadIn(roomId)),
        );
      }
      expect(await listed(bob, roomId)).toEqual({
        unread: 1,
        mentions: 0,
        last_read_seq: last - 1,
      });
      await settle();
      expect(a.frames.filter((f) => f.type === 'read' || f.type === 'unread')).toEqual([]);
    });

    it('never moves back and stops at the room: nothing is pushed when it does not move', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      for (const text of ['one', 'two']) await send(a, roomId, text);
      const last = await rooms.lastSeq(roomId);
      const b = await connect(bob);
      expect((await read(bob, roomId, { seq: last + 1000 }).expect(200)).body).toEqual({
        room_id: roomId,
        unread: 0,
        mentions: 0,
        last_read_seq: last,
      });
      await b.next(unreadIn(roomId));
      const from = b.frames.length;
      expect((await read(bob, roomId, { seq: 1 }).expect(200)).body.last_read_seq).toBe(last);
      expect((await read(bob, roomId, { seq: last }).expect(200)).body.last_read_seq).toBe(last);
      await settle();
      expect(b.frames.slice(from)).toEqual([]);
    });

    it('is 404 for a private room, a public room not joined, or no room; nothing changes', async () => {
      const secret = await rooms.privateWith(alice, bob);
      const lobby = await rooms.create(alice, 'public');
      const a = await connect(alice);
      await send(a, secret, 'x');
      const c = await connect(carol);
      for (const roomId of [secret, lobby, 999_999]) {
        expect((await read(carol, roomId, { seq: 1 }).expect(404)).body).toEqual({
          detail: 'Room not found',
        });
      }
      await settle();
      expect(c.frames.filter((f) => f.type === 'read' || f.type === 'unread')).toEqual([]);
    });

    it('refuses a malformed seq or room id (422) and changes nothing', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      await send(a, roomId, 'x');
      const before = await listed(bob, roomId);
      for (const body of [
        {},
        { seq: -1 },
        { seq: 1.5 },
        { seq: '1' },
        { seq: null },
        { seq: 2 ** 53 },
      ]) {
        const response = await read(bob, roomId, body).expect(422);
        expect(response.body.detail).toEqual([expect.objectContaining({ field: 'seq' })]);
      }
      await read(bob, 'abc', { seq: 1 }).expect(422);
      await read(bob, 0, { seq: 1 }).expect(422);
      await t.http.post(`/api/v1/rooms/${roomId}/read`).send({ seq: 1 }).expect(401);
      expect(await listed(bob, roomId)).toEqual(before);
    });
  });

  describe('the read frame', () => {
    it('acks with the counts; the other devices get read and unread', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const a = await connect(alice);
      for (const text of ['one', 'two']) await send(a, roomId, text);
      const last = await rooms.lastSeq(roomId);
      const [phone, laptop] = [await connect(bob), await connect(bob)];
      const ack = await phone.ok({ type: 'read', req: 'r', room_id: roomId, seq: last });
      expect(ack).toEqual({
        type: 'ack',
        req: 'r',
        room_id: roomId,
        unread: 0,
        mentions: 0,
        last_read_seq: last,
      });
      expect(await laptop.next(readIn(roomId))).toEqual({
        type: 'read',
        room_id: roomId,
        seq: last,
      });
      expect(await laptop.next(unreadIn(roomId))).toMatchObject({ unread: 0, last_seq: last });
      expect(await listed(bob, roomId)).toEqual({ unread: 0, mentions: 0, last_read_seq: last });
    });

    it('answers an error for a room the caller is not in, or a malformed seq, and changes nothing', async () => {
      const secret = await rooms.privateWith(alice, bob);
      const c = await connect(carol);
      expect(await c.request({ type: 'read', room_id: secret, seq: 1 })).toMatchObject({
        type: 'error',
        code: 'not_found',
      });
      const b = await connect(bob);
      const before = await listed(bob, secret);
      for (const seq of [-1, 'x', 1.5]) {
        expect(await b.request({ type: 'read', room_id: secret, seq })).toMatchObject({
          type: 'error',
          code: 'invalid_frame',
        });
      }
      expect(await listed(bob, secret)).toEqual(before);
      expect(b.isOpen).toBe(true);
    });
  });

  it('documents the read route and the new fields in OpenAPI', async () => {
    const document = (await t.http.get('/docs-json').expect(200)).body;
    const read = document.paths['/api/v1/rooms/{id}/read'].post;
    expect(read.tags).toEqual(['rooms']);
    expect(Object.keys(read.responses)).toEqual(
      expect.arrayContaining(['200', '404', '422', '429']),
    );
    const schemas = document.components.schemas;
    expect(Object.keys(schemas.ReadMarkerDto.properties)).toEqual(['seq']);
    expect(Object.keys(schemas.ReadResultDto.properties)).toEqual(
      expect.arrayContaining(['room_id', 'unread', 'mentions', 'last_read_seq']),
    );
    expect(Object.keys(schemas.MyRoomDto.properties)).toEqual(
      expect.arrayContaining(['unread', 'mentions', 'last_read_seq']),
    );
    expect(schemas.RoomMessageDto.properties.mentions).toMatchObject({ type: 'array' });
    expect(schemas.LastMessageDto.properties.mentions).toMatchObject({ type: 'array' });
  });

  describe('unread pushes', () => {
    it('a mention is pushed to the mentioned member after the message; the others count it themselves', async () => {
      const roomId = await rooms.privateWith(alice, bob, carol);
      const [a, b, c] = [await connect(alice), await connect(bob), await connect(carol)];
      const { last_read_seq } = await listed(bob, roomId);
      const message = await send(a, roomId, `hey @${bob.name}`);
      const pushed = await b.next(unreadIn(roomId));
      expect(pushed).toEqual({
        type: 'unread',
        room_id: roomId,
        unread: 1,
        mentions: 1,
        last_read_seq,
        last_seq: message.seq,
      });
      expect(b.frames.findIndex((f) => f.type === 'message.new')).toBeLessThan(
        b.frames.indexOf(pushed),
      );
      await c.next((frame) => frame.type === 'message.new');
      await settle();
      expect(c.frames.filter(unreadIn(roomId))).toEqual([]);
      expect(a.frames.filter(unreadIn(roomId))).toEqual([]);
    });

    it('a deleted unread message is pushed to the members who had it unread, not to its author or those who read it', async () => {
      const roomId = await rooms.privateWith(alice, bob, carol);
      const [a, b, c] = [await connect(alice), await connect(bob), await connect(carol)];
      const { last_read_seq } = await listed(bob, roomId);
      await send(a, roomId, 'stays');
      const gone = await send(a, roomId, `@${bob.name} goes`);
      await c.ok({ type: 'read', room_id: roomId, seq: gone.seq });
      await b.next(unreadIn(roomId));
      const marks = [a, b, c].map((socket) => socket.frames.length);
      const deleted = await a.ok({ type: 'message.delete', message_id: gone.message_id });
      expect(await b.next(unreadIn(roomId), 'unread', marks[1])).toEqual({
        type: 'unread',
        room_id: roomId,
        unread: 1,
        mentions: 0,
        last_read_seq,
        last_seq: deleted.seq,
      });
      await settle();
      expect(a.frames.slice(marks[0]).filter(unreadIn(roomId))).toEqual([]);
      expect(c.frames.slice(marks[2]).filter(unreadIn(roomId))).toEqual([]);
    });

    it('an edit that adds or removes a mention is pushed to those whose mention changed', async () => {
      const roomId = await rooms.privateWith(alice, bob, carol);
      const [a, b, c] = [await connect(alice), await connect(bob), await connect(carol)];
      const message = await send(a, roomId, `@${bob.name} first`);
      await b.next(unreadIn(roomId));
      const marks = [b, c].map((socket) => socket.frames.length);
      await a.ok({ type: 'message.edit', message_id: message.message_id, text: `@${carol.name}` });
      expect(await b.next(unreadIn(roomId), 'unread', marks[0])).toMatchObject({
        unread: 1,
        mentions: 0,
      });
      expect(await c.next(unreadIn(roomId), 'unread', marks[1])).toMatchObject({
        unread: 1,
        mentions: 1,
      });
      const again = [b.frames.length, c.frames.length];
      await a.ok({ type: 'message.edit', message_id: message.message_id, text: `@${carol.name}!` });
      await settle();
      expect(b.frames.slice(again[0]).filter(unreadIn(roomId))).toEqual([]);
      expect(c.frames.slice(again[1]).filter(unreadIn(roomId))).toEqual([]);
    });

    it('no unread frame reaches anyone outside the room, even when named', async () => {
      const lobby = await rooms.create(alice, 'public');
      const a = await connect(alice);
      const c = await connect(carol);
      const message = await send(a, lobby, `@${carol.name} come in`);
      expect(message.mentions).toEqual([carol.id]);
      const secret = await rooms.privateWith(alice, bob);
      await send(a, secret, `@${carol.name} you cannot see this`);
      await settle();
      expect(c.frames.filter((f) => f.room_id === lobby || f.room_id === secret)).toEqual([]);
    });
  });
});

/** Marker moves per user, over HTTP and the socket alike: READ_MARKER_RATE_BURST at once. */
describe('read markers are rate limited per user', () => {
  let t: TestApp;
  const open: V2Client[] = [];

  beforeAll(async () => {
    t = await startTestApp({ READ_MARKER_RATE_LIMIT: '1', READ_MARKER_RATE_BURST: '3' });
  });
  afterAll(async () => {
    for (const client of open.splice(0)) client.close();
    await t.close();
  });

  const marker = async (userId: number): Promise<number> =>
    (
      await t.db.query(
        `SELECT last_read_seq::float8 AS seq FROM general_read_markers WHERE user_id = $1`,
        [userId],
      )
    )[0].seq;
  const post = async (user: TestUser, text: string) =>
    t.http
      .post('/api/v1/rooms/1/messages')
      .set(...bearer(user))
      .send({ text })
      .expect(201);

  it('past the burst a read frame is rate_limited and POST read 429, and the marker stays', async () => {
    const [alice, bob] = [await createUser(t), await createUser(t)];
    const client = await V2Client.connect(t.baseUrl, bob);
    open.push(client);
    const seqs: number[] = [];
    for (let i = 0; i < 4; i++) seqs.push((await post(alice, `m${i}`)).body.seq);
    const answers = [];
    for (const seq of seqs.slice(0, 3)) {
      answers.push(await client.request({ type: 'read', room_id: 1, seq }));
    }
    expect(answers.map((answer) => answer.type)).toEqual(['ack', 'ack', 'ack']);
    expect(await client.request({ type: 'read', room_id: 1, seq: seqs[3] })).toMatchObject({
      type: 'error',
      code: 'rate_limited',
    });
    await t.http
      .post('/api/v1/rooms/1/read')
      .set(...bearer(bob))
      .send({ seq: seqs[3] })
      .expect(429);
    expect(await marker(bob.id)).toBe(seqs[2]);
    // Another user's allowance is their own.
    await t.http
      .post('/api/v1/rooms/1/read')
      .set(...bearer(alice))
      .send({ seq: seqs[3] })
      .expect(200);
  });
});
