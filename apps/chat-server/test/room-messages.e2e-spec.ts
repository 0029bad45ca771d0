import { bearer, createUser, createUserWithRole, loginAdmin, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
/** As the rooms routes refuse them: digits only, no sign, no leading zero, 1 to 2^31-1. */
const BAD_IDS = [
  'abc',
  '-1',
  '0',
  '01',
  '+1',
  '1.5',
  '1e3',
  '2147483648',
  '99999999999999999999',
  '%20',
];
/** Message ids are bigints: past 2^31 they are ids, past 2^53 a JSON number cannot hold them. */
const BAD_MESSAGE_IDS = ['abc', '-1', '0', '01', '+1', '1.5', '1e3', '9007199254740992', '%20'];

describe('room messages over HTTP (/api/v1/rooms/:id/messages, /api/v1/messages/:id)', () => {
  let t: TestApp;
  let rooms: ReturnType<typeof roomsApi>;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let moderator: TestUser;
  let admin: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      ROOMS_CREATED_PER_HOUR: '1000',
      MESSAGE_RATE_LIMIT: '100000',
      MESSAGE_RATE_BURST: '100000',
    });
    rooms = roomsApi(t);
    [alice, bob, carol] = [await createUser(t), await createUser(t), await createUser(t)];
    admin = await loginAdmin(t);
    moderator = await createUserWithRole(t, admin, 2);
  });
  afterAll(() => t.close());

  const page = (roomId: number | string, user: TestUser, query = '') =>
    t.http.get(`/api/v1/rooms/${roomId}/messages${query}`).set(...bearer(user));
  const post = (roomId: number | string, user: TestUser, body: object) =>
    t.http
      .post(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(user))
      .send(body);
  const getOne = (id: number | string, user: TestUser) =>
    t.http.get(`/api/v1/messages/${id}`).set(...bearer(user));
  const patch = (id: number | string, user: TestUser, body: object) =>
    t.http
      .patch(`/api/v1/messages/${id}`)
      .set(...bearer(user))
      .send(body);
  const remove = (id: number | string, user: TestUser) =>
    t.http.delete(`/api/v1/messages/${id}`).set(...bearer(user));
  /** Posts `count` messages; their bodies, in order. */
  const postMany = async (roomId: number, user: TestUser, count: number, prefix = 'm') => {
    const sent: Frame[] = [];
    for (let i = 0; i < count; i++) {
      sent.push((await post(roomId, user, { text: `${prefix}${i}` }).expect(201)).body);
    }
    return sent;
  };
  const seqs = (messages: Frame[]) => messages.map((message) => message.seq);
  const stored = async (id: number) =>
    (await t.db.query('SELECT text FROM messages WHERE id = $1', [id]))[0]?.text;

  describe('GET /api/v1/rooms/:id/messages', () => {
    let roomId: number;
    let sent: Frame[];
    beforeAll(async () => {
      roomId = await rooms.privateWith(alice, bob);
      sent = await postMany(roomId, alice, 120);
    });

    it('answers the 50 newest, newest first, in the room message shape', async () => {
      const response = await page(roomId, bob).expect(200);
      expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(response.body).toHaveLength(50);
      expect(seqs(response.body)).toEqual(seqs(sent).reverse().slice(0, 50));
      expect(response.body[0]).toEqual(sent[119]);
      expect(Object.keys(response.body[0])).toEqual([
        'message_id',
        'user_id',
        'name',
        'role',
        'user_avatar',
        'message',
        'time_send',
        'created_at',
        'edited',
        'room_id',
        'seq',
        'edited_at',
        'mentions',
      ]);
      expect(response.body[0]).toMatchObject({
        room_id: roomId,
        user_id: alice.id,
        message: 'm119',
        edited: false,
        edited_at: null,
        created_at: expect.stringMatching(ISO),
      });
    });

    it('answers before_seq newest first, after_seq oldest first, up to limit', async () => {
      const mid = sent[60].seq;
      const before = (await page(roomId, bob, `?before_seq=${mid}&limit=10`).expect(200)).body;
      expect(seqs(before)).toEqual(seqs(sent.slice(50, 60)).reverse());
      const after = (await page(roomId, bob, `?after_seq=${mid}&limit=10`).expect(200)).body;
      expect(seqs(after)).toEqual(seqs(sent.slice(61, 71)));
      const first = (await page(roomId, bob, '?after_seq=0&limit=100').expect(200)).body;
      expect(first).toHaveLength(100);
      expect(first[0]).toEqual(sent[0]);
      const oldest = (await page(roomId, bob, `?before_seq=${sent[2].seq}`).expect(200)).body;
      expect(seqs(oldest)).toEqual([sent[1].seq, sent[0].seq]);
      expect((await page(roomId, bob, `?after_seq=${sent[119].seq}`).expect(200)).body).toEqual([]);
      expect((await page(roomId, bob, '?before_seq=0').expect(200)).body).toEqual([]);
      expect((await page(roomId, bob, '?limit=1').expect(200)).body).toEqual([sent[119]]);
    });

    it('walks the whole room by keyset both ways, one copy of each message', async () => {
      const down: Frame[] = [];
      let cursor = '';
      for (let pages = 0; pages < 10; pages++) {
        const chunk = (await page(roomId, bob, `?limit=33${cursor}`).expect(200)).body;
        if (chunk.length === 0) break;
        down.push(...chunk);
        cursor = `&before_seq=${chunk.at(-1).seq}`;
      }
      expect(down).toEqual([...sent].reverse());
      const up: Frame[] = [];
      let after = 0;
      for (let pages = 0; pages < 10; pages++) {
        const chunk = (await page(roomId, bob, `?limit=45&after_seq=${after}`).expect(200)).body;
        if (chunk.length === 0) break;
        up.push(...chunk);
        after = chunk.at(-1).seq;
      }
      expect(up).toEqual(sent);
    });

    it('shows messages as they are now: edited ones with edited_at, deleted ones gone', async () => {
      const room = await rooms.privateWith(alice, bob);
      const [one, two, three] = await postMany(room, alice, 3);
      await patch(one.message_id, alice, { text: 'edited' }).expect(200);
      await remove(two.message_id, alice).expect(200);
      const body = (await page(room, bob).expect(200)).body;
      expect(body).toEqual([
        three,
        { ...one, message: 'edited', edited: true, edited_at: expect.stringMatching(ISO) },
      ]);
      // The edit and the delete took numbers: the keyset is by the messages' own numbers.
      expect(await rooms.lastSeq(room)).toBe(three.seq + 2);
      expect(seqs((await page(room, bob, `?after_seq=${one.seq}`).expect(200)).body)).toEqual([
        three.seq,
      ]);
    });

    it.each([
      ['limit=0'],
      ['limit=101'],
      ['limit=-1'],
      ['limit=x'],
      ['limit=1.5'],
      ['limit=1e1'],
      ['limit='],
      ['before_seq=-1'],
      ['before_seq=x'],
      ['after_seq=1.5'],
      ['after_seq=-3'],
      ['before_seq=5&after_seq=1'],
    ])('refuses ?%s with 422', async (query) => {
      const response = await page(roomId, bob, `?${query}`).expect(422);
      expect(response.body).toMatchObject({ detail: expect.any(Array) });
    });

    it.each(BAD_IDS)('refuses the room id %j with 422', async (id) => {
      await page(id, bob).expect(422);
    });

    it('is 404 for a private room to a non-member, a moderator and an admin; 404 for no room', async () => {
      for (const user of [carol, moderator, admin]) {
        expect((await page(roomId, user)).status).toBe(404);
      }
      await page(2_000_000, bob).expect(404);
    });

    it('is 403 for a public room to a non-member, 200 once they join', async () => {
      const room = await rooms.create(alice, 'public');
      await postMany(room, alice, 2);
      await page(room, carol).expect(403);
      await rooms.join(room, carol);
      expect((await page(room, carol).expect(200)).body).toHaveLength(2);
    });

    it('answers every user for the general room, and 401 without a token', async () => {
      await post(1, carol, { text: 'in general' }).expect(201);
      const body = (await page(1, bob).expect(200)).body;
      expect(body[0]).toMatchObject({ room_id: 1, message: 'in general', user_id: carol.id });
      await t.http.get(`/api/v1/rooms/1/messages`).expect(401);
    });
  });

  describe('POST /api/v1/rooms/:id/messages', () => {
    it('stores a message (201), tells the members, and answers a repeated client_id with it (200)', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const socket = await V2Client.connect(t.baseUrl, bob);
      const seq = await rooms.lastSeq(roomId);
      const created = await post(roomId, alice, {
        text: '  from a bot ',
        client_id: 'bot-1',
      }).expect(201);
      expect(created.body).toEqual({
        message_id: expect.any(Number),
        user_id: alice.id,
        name: alice.name,
        role: 1,
        user_avatar: expect.any(String),
        message: 'from a bot',
        time_send: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
        created_at: expect.stringMatching(ISO),
        edited: false,
        room_id: roomId,
        seq: seq + 1,
        edited_at: null,
        mentions: [],
      });
      expect(
        await socket.next((frame) => frame.type === 'message.new' && frame.room_id === roomId),
      ).toEqual({
        type: 'message.new',
        room_id: roomId,
        seq: seq + 1,
        message: created.body,
        client_id: 'bot-1',
      });
      const repeated = await post(roomId, alice, { text: 'again', client_id: 'bot-1' }).expect(200);
      expect(repeated.body).toEqual(created.body);
      expect(await rooms.countMessages(roomId)).toBe(1);
      expect(await rooms.lastSeq(roomId)).toBe(seq + 1);
      await settle();
      expect(socket.frames.filter((frame) => frame.type === 'message.new')).toHaveLength(1);
      socket.close();
    });

    it('stores one message for simultaneous posts with one client_id: one 201, the others 200 with it', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const responses = await Promise.all(
        Array.from({ length: 8 }, () => post(roomId, bob, { text: 'once', client_id: 'same' })),
      );
      expect(responses.map((response) => response.status).sort()).toEqual([
        200, 200, 200, 200, 200, 200, 200, 201,
      ]);
      for (const response of responses) expect(response.body).toEqual(responses[0].body);
      expect(await rooms.countMessages(roomId)).toBe(1);
      expect(await rooms.lastSeq(roomId)).toBe(responses[0].body.seq);
    });

    it.each([
      [{}, 'text'],
      [{ text: '' }, 'text'],
      [{ text: '   ' }, 'text'],
      [{ text: 'x'.repeat(1001) }, 'text'],
      [{ text: 5 }, 'text'],
      [{ text: 'ok', client_id: '' }, 'client_id'],
      [{ text: 'ok', client_id: 'k'.repeat(65) }, 'client_id'],
      [{ text: 'ok', client_id: 5 }, 'client_id'],
      [{ text: 'ok', client_id: 'a\u0000b' }, 'client_id'],
    ])('refuses %j with 422 naming %s, storing nothing', async (body, field) => {
      const before = await rooms.countMessages();
      const response = await post(1, alice, body).expect(422);
      expect(response.body.detail).toEqual(
        expect.arrayContaining([expect.objectContaining({ field })]),
      );
      expect(await rooms.countMessages()).toBe(before);
    });

    it('is 404 for a private room of others or no room, 403 for a public room not joined or archived; stores nothing', async () => {
      const privateRoom = await rooms.privateWith(alice);
      const publicRoom = await rooms.create(alice, 'public');
      const archived = await rooms.create(alice, 'public');
      await rooms.archive(archived, alice);
      const before = await rooms.countMessages();
      await post(privateRoom, bob, { text: 'x' }).expect(404);
      await post(privateRoom, moderator, { text: 'x' }).expect(404);
      await post(2_000_000, bob, { text: 'x' }).expect(404);
      await post(publicRoom, bob, { text: 'x' }).expect(403);
      await post(archived, alice, { text: 'x' }).expect(403);
      expect(await rooms.countMessages()).toBe(before);
      await t.http.post('/api/v1/rooms/1/messages').send({ text: 'x' }).expect(401);
    });

    it.each(BAD_IDS)('refuses the room id %j with 422', async (id) => {
      await post(id, alice, { text: 'x' }).expect(422);
    });
  });

  describe('GET, PATCH and DELETE /api/v1/messages/:id', () => {
    it('GET answers a message of a room the caller is in, 404 in a private room of others', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const [message] = await postMany(roomId, alice, 1);
      expect((await getOne(message.message_id, bob).expect(200)).body).toEqual(message);
      for (const user of [carol, moderator, admin]) {
        await getOne(message.message_id, user).expect(404);
      }
      await getOne(2_000_000_000, alice).expect(404);
      const publicRoom = await rooms.create(alice, 'public');
      const [inPublic] = await postMany(publicRoom, alice, 1);
      await getOne(inPublic.message_id, carol).expect(403);
    });

    it('PATCH: the author edits (200 with the number), members are told; others 403/404', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const socket = await V2Client.connect(t.baseUrl, bob);
      const [message] = await postMany(roomId, alice, 1);
      const response = await patch(message.message_id, alice, { text: ' new text ' }).expect(200);
      expect(response.body).toEqual({
        message_id: message.message_id,
        room_id: roomId,
        seq: message.seq + 1,
      });
      expect(await socket.next((frame) => frame.type === 'message.updated')).toEqual({
        type: 'message.updated',
        room_id: roomId,
        seq: message.seq + 1,
        message_id: message.message_id,
        text: 'new text',
        edited_at: expect.stringMatching(ISO),
        mentions: [],
      });
      socket.close();
      await patch(message.message_id, bob, { text: 'not yours' }).expect(403);
      await patch(message.message_id, carol, { text: 'not yours' }).expect(404);
      await patch(message.message_id, moderator, { text: 'not yours' }).expect(404);
      await patch(2_000_000_000, alice, { text: 'none' }).expect(404);
      for (const body of [{}, { text: '  ' }, { text: 'x'.repeat(1001) }, { text: 3 }]) {
        await patch(message.message_id, alice, body).expect(422);
      }
      expect(await stored(message.message_id)).toBe('new text');
      expect(await rooms.lastSeq(roomId)).toBe(message.seq + 1);
    });

    it('PATCH in a public room: only the author, not the owner nor a moderator', async () => {
      const roomId = await rooms.create(alice, 'public');
      await rooms.join(roomId, bob);
      await rooms.join(roomId, moderator);
      const [message] = await postMany(roomId, bob, 1);
      await patch(message.message_id, alice, { text: 'owner' }).expect(403);
      await patch(message.message_id, moderator, { text: 'mod' }).expect(403);
      await patch(message.message_id, carol, { text: 'outsider' }).expect(403);
      expect(await stored(message.message_id)).toBe('m0');
    });

    it('DELETE: the author, the room owner, a site moderator in a public room; members are told', async () => {
      const roomId = await rooms.create(alice, 'public');
      await rooms.join(roomId, bob);
      await rooms.join(roomId, carol);
      const socket = await V2Client.connect(t.baseUrl, carol);
      const [byBob1, byBob2, byAlice, byCarol] = [
        ...(await postMany(roomId, bob, 2)),
        ...(await postMany(roomId, alice, 1)),
        ...(await postMany(roomId, carol, 1)),
      ];
      await remove(byAlice.message_id, bob).expect(403);
      await remove(byAlice.message_id, carol).expect(403);
      const own = await remove(byBob1.message_id, bob).expect(200);
      expect(own.body).toEqual({
        message_id: byBob1.message_id,
        room_id: roomId,
        seq: byCarol.seq + 1,
      });
      expect(await socket.next((frame) => frame.type === 'message.deleted')).toEqual({
        type: 'message.deleted',
        room_id: roomId,
        seq: byCarol.seq + 1,
        message_id: byBob1.message_id,
      });
      socket.close();
      await remove(byBob2.message_id, alice).expect(200);
      await remove(byAlice.message_id, moderator).expect(200);
      await remove(byCarol.message_id, admin).expect(200);
      expect(await rooms.countMessages(roomId)).toBe(0);
      await remove(byBob1.message_id, bob).expect(404);
      await remove(2_000_000_000, bob).expect(404);
    });

    it('DELETE in a private room: the owner, not a site moderator or admin (404 outside, 403 inside)', async () => {
      const roomId = await rooms.privateWith(alice, bob);
      const [message] = await postMany(roomId, bob, 1);
      await remove(message.message_id, moderator).expect(404);
      await remove(message.message_id, admin).expect(404);
      await remove(message.message_id, carol).expect(404);
      // A site moderator who is a plain member of it deletes only their own.
      await rooms.add(roomId, alice, moderator);
      await remove(message.message_id, moderator).expect(403);
      expect(await stored(message.message_id)).toBe('m0');
      await remove(message.message_id, alice).expect(200);
    });

    it('changes nothing in an archived room (403)', async () => {
      const roomId = await rooms.create(alice, 'public');
      const [message] = await postMany(roomId, alice, 1);
      await rooms.archive(roomId, alice);
      await patch(message.message_id, alice, { text: 'late' }).expect(403);
      await remove(message.message_id, alice).expect(403);
      expect(await stored(message.message_id)).toBe('m0');
    });

    it.each(BAD_MESSAGE_IDS)('refuses the message id %j with 422 on every route', async (id) => {
      await getOne(id, alice).expect(422);
      await patch(id, alice, { text: 'x' }).expect(422);
      await remove(id, alice).expect(422);
    });

    it('takes a message id past 2^31 for an id (a bigint): no such message, 404', async () => {
      await getOne('2147483648', alice).expect(404);
      await patch('2147483648', alice, { text: 'x' }).expect(404);
      await remove('2147483648', alice).expect(404);
    });

    it('answers 401 without a token', async () => {
      await t.http.get('/api/v1/messages/1').expect(401);
      await t.http.patch('/api/v1/messages/1').send({ text: 'x' }).expect(401);
      await t.http.delete('/api/v1/messages/1').expect(401);
    });
  });

  describe('the compat routes keep to the general room', () => {
    let inGeneral: Frame;
    let elsewhere: Frame[];
    beforeAll(async () => {
      const privateRoom = await rooms.privateWith(alice, bob);
      const publicRoom = await rooms.create(alice, 'public');
      inGeneral = (await post(1, alice, { text: 'general only' }).expect(201)).body;
      elsewhere = [
        ...(await postMany(privateRoom, alice, 3, 'private')),
        ...(await postMany(publicRoom, alice, 3, 'public')),
      ];
    });
    const noOtherRoom = (body: Frame[]) => {
      const ids = new Set(elsewhere.map((message) => message.message_id));
      expect(body.filter((message) => ids.has(message.message_id))).toEqual([]);
      expect(JSON.stringify(body)).not.toMatch(/"(private|public)\d"/);
    };

    it('GET /routers/last_messages, POST /routers/load and /chat/load, GET /routers/since', async () => {
      const last = (await t.http.get('/routers/last_messages').expect(200)).body;
      expect(last[0]).toMatchObject({ message_id: inGeneral.message_id, message: 'general only' });
      expect(last[0]).not.toHaveProperty('room_id');
      noOtherRoom(last);
      const beyond = elsewhere.at(-1)!.message_id + 1;
      for (const path of ['/routers/load', '/chat/load']) {
        const loaded = (await t.http.post(path).send({ id_message: beyond }).expect(200)).body;
        expect(loaded[0].message_id).toBe(inGeneral.message_id);
        noOtherRoom(loaded);
      }
      const since = (
        await t.http.get(`/routers/since?after_id=${inGeneral.message_id - 1}`).expect(200)
      ).body;
      expect(since.map((message: Frame) => message.message_id)).toEqual([inGeneral.message_id]);
      noOtherRoom(since);
    });

    it('PATCH /routers/update refuses a message of another room: 409 Unauthorized access', async () => {
      const target = elsewhere[0];
      const response = await t.http
        .patch('/routers/update')
        .send({ token: alice.token, message_id: target.message_id, message: 'via compat' })
        .expect(409);
      expect(JSON.stringify(response.body)).toContain('Unauthorized access');
      expect(await stored(target.message_id)).toBe('private0');
    });

    it('DELETE /routers/delete-message refuses a message of another room: 409 Unauthorized access', async () => {
      for (const target of [elsewhere[1], elsewhere[4]]) {
        const response = await t.http
          .delete('/routers/delete-message')
          .send({ token: admin.token, id_message: target.message_id })
          .expect(409);
        expect(JSON.stringify(response.body)).toContain('Unauthorized access');
        expect(await stored(target.message_id)).toBeDefined();
      }
      // It still deletes in the general room.
      const [mine] = [(await post(1, alice, { text: 'to delete' }).expect(201)).body];
      await t.http
        .delete('/routers/delete-message')
        .send({ token: admin.token, id_message: mine.message_id })
        .expect(201);
    });
  });
});
