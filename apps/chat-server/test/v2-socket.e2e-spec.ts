import { JwtService } from '@nestjs/jwt';
import { ConnectionRegistry } from '@chat/realtime';
import { bearer, createUser, login, PASSWORD, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { settle, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

const CLOSE_POLICY_VIOLATION = 1008;

describe('the chat.v2 socket: handshake, frames and errors', () => {
  let t: TestApp;
  let rooms: ReturnType<typeof roomsApi>;
  let alice: TestUser;
  let bob: TestUser;
  const open: V2Client[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      ROOMS_CREATED_PER_HOUR: '1000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    });
    rooms = roomsApi(t);
    [alice, bob] = [await createUser(t), await createUser(t)];
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
  const openSocket = async (protocols?: string | string[]) => {
    const client = await V2Client.open(t.baseUrl, protocols);
    open.push(client);
    return client;
  };

  /** The socket still answers: an auth refresh with the same user's token is acked. */
  const expectStillOpen = async (client: V2Client, user: TestUser) => {
    expect(client.isOpen).toBe(true);
    expect(await client.request({ type: 'auth', token: user.token })).toMatchObject({
      type: 'ack',
      user_id: user.id,
    });
  };

  describe('connecting and authenticating', () => {
    it('answers the chat.v2 subprotocol, and none to a client that does not offer it', async () => {
      expect((await openSocket()).socket.protocol).toBe('chat.v2');
      expect((await openSocket(['chat.v3', 'chat.v2'])).socket.protocol).toBe('chat.v2');
      expect((await openSocket([])).socket.protocol).toBe('');
    });

    it('acks auth with the user id and every room of the user, general first with its last_seq', async () => {
      const carol = await createUser(t);
      const privateRoom = await rooms.privateWith(alice, carol);
      const client = await openSocket();
      const ack = await client.request({ type: 'auth', token: carol.token, req: 'auth-1' });
      expect(ack).toEqual({
        type: 'ack',
        req: 'auth-1',
        user_id: carol.id,
        rooms: [
          { room_id: 1, last_seq: await rooms.lastSeq(1) },
          { room_id: privateRoom, last_seq: await rooms.lastSeq(privateRoom) },
        ],
      });
      expect(await rooms.lastSeq(privateRoom)).toBe(2);
    });

    it('closes with not_authenticated and 1008 when the first frame is not auth', async () => {
      const before = await rooms.countMessages();
      const client = await openSocket();
      client.send({ type: 'message.send', req: 'early', room_id: 1, text: 'hi' });
      expect(await client.closed).toEqual({
        code: CLOSE_POLICY_VIOLATION,
        reason: expect.any(String),
      });
      expect(client.frames).toEqual([
        { type: 'error', req: 'early', code: 'not_authenticated', detail: expect.any(String) },
      ]);
      expect(await rooms.countMessages()).toBe(before);
    });

    it('closes with not_authenticated and 1008 when the first frame is not even JSON', async () => {
      const client = await openSocket();
      client.send('not json');
      expect((await client.closed).code).toBe(CLOSE_POLICY_VIOLATION);
      expect(client.frames).toEqual([
        { type: 'error', code: 'not_authenticated', detail: expect.any(String) },
      ]);
    });

    it('closes with invalid_token and 1008 for a bad token', async () => {
      const client = await openSocket();
      client.send({ type: 'auth', token: 'not-a-token', req: 'a' });
      expect((await client.closed).code).toBe(CLOSE_POLICY_VIOLATION);
      expect(client.frames).toEqual([
        { type: 'error', req: 'a', code: 'invalid_token', detail: expect.any(String) },
      ]);
    });

    it('closes with token_expired and 1008 for an expired token', async () => {
      const { sid } = JSON.parse(Buffer.from(alice.token.split('.')[1], 'base64url').toString());
      const expired = await t.app
        .get(JwtService)
        .signAsync({ sub: String(alice.id), sid }, { expiresIn: -5 });
      const client = await openSocket();
      client.send({ type: 'auth', token: expired, req: 'old' });
      expect((await client.closed).code).toBe(CLOSE_POLICY_VIOLATION);
      expect(client.frames).toEqual([
        { type: 'error', req: 'old', code: 'token_expired', detail: expect.any(String) },
      ]);
    });

    it('closes with invalid_token a socket whose session is logged out, before and after auth', async () => {
      const session = await login(t, alice.name, PASSWORD);
      const live = await connect(session);
      await t.http
        .post('/user/logout')
        .set(...bearer(session))
        .expect(200);
      expect((await live.closed).code).toBe(CLOSE_POLICY_VIOLATION);
      expect(live.frames.at(-1)).toMatchObject({ type: 'error', code: 'invalid_token' });
      const late = await openSocket();
      late.send({ type: 'auth', token: session.token });
      expect((await late.closed).code).toBe(CLOSE_POLICY_VIOLATION);
      expect(late.frames).toEqual([
        { type: 'error', code: 'invalid_token', detail: expect.any(String) },
      ]);
    });

    it('forgets a socket that closes while its auth is being checked', async () => {
      const dave = await createUser(t);
      const roomId = await rooms.privateWith(dave);
      const registry = t.app.get(ConnectionRegistry);
      for (let attempt = 0; attempt < 10; attempt++) {
        const client = await openSocket();
        client.send({ type: 'auth', token: dave.token });
        client.socket.terminate();
        await client.closed;
      }
      await settle(500);
      expect(registry.socketsOf(dave.id).size).toBe(0);
      expect(registry.serves(roomId)).toBe(false);
      // A socket of the user now still gets the room's frames, and only then is the room served.
      const client = await connect(dave);
      expect(registry.serves(roomId)).toBe(true);
      client.close();
      await client.closed;
      await settle(200);
      expect(registry.serves(roomId)).toBe(false);
    });

    it('closes a socket that sends no auth within 10 seconds', async () => {
      const client = await openSocket();
      const started = Date.now();
      expect((await client.closed).code).toBe(CLOSE_POLICY_VIOLATION);
      expect(Date.now() - started).toBeGreaterThanOrEqual(9_500);
      expect(client.frames).toEqual([
        { type: 'error', code: 'not_authenticated', detail: expect.any(String) },
      ]);
    }, 20_000);

    it('keeps an authenticated socket past 10 seconds', async () => {
      const client = await connect(alice);
      await settle(10_500);
      await expectStillOpen(client, alice);
    }, 20_000);

    it('handles frames sent right behind auth after it, in order', async () => {
      const client = await openSocket();
      client.send({ type: 'auth', token: alice.token, req: 'a' });
      client.send({ type: 'message.send', req: 's', room_id: 1, text: 'right behind' });
      client.send({ type: 'resume', req: 'r', rooms: { 1: 0 } });
      const answers = await client.collect((frame) => frame.type === 'ack', 3);
      expect(answers.map((frame) => frame.req)).toEqual(['a', 's', 'r']);
      expect(answers[1].message).toMatchObject({ user_id: alice.id, message: 'right behind' });
    });

    it("refreshes with the same user's token, and refuses another user's", async () => {
      const client = await connect(alice);
      expect(await client.request({ type: 'auth', token: alice.token, req: 'again' })).toEqual({
        type: 'ack',
        req: 'again',
        user_id: alice.id,
      });
      expect(await client.request({ type: 'auth', token: bob.token, req: 'other' })).toMatchObject({
        type: 'error',
        req: 'other',
        code: 'forbidden',
      });
      const sent = await client.ok({ type: 'message.send', room_id: 1, text: 'still alice' });
      expect(sent.message.user_id).toBe(alice.id);
    });
  });

  describe('client frames are answered by an ack or an error with their req', () => {
    it('answers each client frame type with an ack carrying its req', async () => {
      const client = await connect(alice);
      const sent = await client.request({
        type: 'message.send',
        req: 'send',
        room_id: 1,
        text: 'frame types',
      });
      expect(sent).toMatchObject({ type: 'ack', req: 'send', message: { message: 'frame types' } });
      const id = sent.message.message_id;
      expect(
        await client.request({ type: 'message.edit', req: 'edit', message_id: id, text: 'edited' }),
      ).toEqual({
        type: 'ack',
        req: 'edit',
        message_id: id,
        room_id: 1,
        seq: sent.message.seq + 1,
      });
      expect(await client.request({ type: 'message.delete', req: 'del', message_id: id })).toEqual({
        type: 'ack',
        req: 'del',
        message_id: id,
        room_id: 1,
        seq: sent.message.seq + 2,
      });
      const last = await rooms.lastSeq(1);
      const resume = await client.request({ type: 'resume', req: 'res', rooms: { 1: last } });
      expect(resume).toEqual({ type: 'ack', req: 'res' });
      expect(await client.request({ type: 'auth', req: 'auth', token: alice.token })).toEqual({
        type: 'ack',
        req: 'auth',
        user_id: alice.id,
      });
    });

    it('answers a frame without req all the same, with no req', async () => {
      const client = await connect(alice);
      const from = client.frames.length;
      client.send({ type: 'message.send', room_id: 1, text: 'no req' });
      const ack = await client.next((frame) => frame.type === 'ack', 'the ack', from);
      expect(ack).not.toHaveProperty('req');
      expect(ack.message.message).toBe('no req');
    });

    it.each([
      ['not JSON', '{"type": "message.send",'],
      ['a JSON array', '[1, 2]'],
      ['a JSON string', '"message.send"'],
      ['JSON null', 'null'],
    ])('answers %s with invalid_frame and stays open', async (_what, data) => {
      const client = await connect(alice);
      const from = client.frames.length;
      client.send(data);
      const error = await client.next((frame) => frame.type === 'error', 'an error', from);
      expect(error).toEqual({ type: 'error', code: 'invalid_frame', detail: expect.any(String) });
      await expectStillOpen(client, alice);
    });

    it('closes the socket with 1009 for a frame over 64 KiB, storing nothing', async () => {
      const client = await connect(alice);
      const before = await rooms.countMessages();
      client.send({ type: 'message.send', room_id: 1, text: 'x', padding: 'p'.repeat(70_000) });
      expect((await client.closed).code).toBe(1009);
      expect(await rooms.countMessages()).toBe(before);
    });

    it('answers a binary frame with invalid_frame and stays open', async () => {
      const client = await connect(alice);
      const from = client.frames.length;
      client.socket.send(
        Buffer.from(JSON.stringify({ type: 'message.send', room_id: 1, text: 'x' })),
        {
          binary: true,
        },
      );
      const error = await client.next((frame) => frame.type === 'error', 'an error', from);
      expect(error.code).toBe('invalid_frame');
      await expectStillOpen(client, alice);
    });

    it.each([
      ['an unknown type', { type: 'message.shout', room_id: 1, text: 'x' }],
      ['no type', { room_id: 1, text: 'x' }],
      ['a room_id as a string', { type: 'message.send', room_id: '1', text: 'x' }],
      ['a room_id of 0', { type: 'message.send', room_id: 0, text: 'x' }],
      ['a negative room_id', { type: 'message.send', room_id: -1, text: 'x' }],
      ['a fractional room_id', { type: 'message.send', room_id: 1.5, text: 'x' }],
      ['a room_id past 2^31', { type: 'message.send', room_id: 2 ** 31, text: 'x' }],
      ['no room_id', { type: 'message.send', text: 'x' }],
      ['a text that is a number', { type: 'message.send', room_id: 1, text: 5 }],
      ['no text', { type: 'message.send', room_id: 1 }],
      [
        'a client_id that is a number',
        { type: 'message.send', room_id: 1, text: 'x', client_id: 7 },
      ],
      ['a message_id as a string', { type: 'message.edit', message_id: '1', text: 'x' }],
      ['an edit text that is an object', { type: 'message.edit', message_id: 1, text: {} }],
      ['a delete without message_id', { type: 'message.delete' }],
      ['rooms as an array', { type: 'resume', rooms: [1] }],
      ['a resume room id that is not a number', { type: 'resume', rooms: { general: 1 } }],
      ['a resume seq that is negative', { type: 'resume', rooms: { 1: -1 } }],
      ['a resume seq that is a string', { type: 'resume', rooms: { 1: '3' } }],
      ['an auth token that is a number', { type: 'auth', token: 5 }],
    ])('answers %s with invalid_frame, stores nothing and stays open', async (_what, frame) => {
      const client = await connect(alice);
      const before = await rooms.countMessages();
      expect(await client.request({ ...frame, req: 'bad' })).toEqual({
        type: 'error',
        req: 'bad',
        code: 'invalid_frame',
        detail: expect.any(String),
      });
      expect(await rooms.countMessages()).toBe(before);
      await expectStillOpen(client, alice);
    });

    it('answers a req that is not a string of 1 to 64 characters with invalid_frame, without it', async () => {
      const client = await connect(alice);
      for (const req of [5, '', 'x'.repeat(65)]) {
        const from = client.frames.length;
        client.send({ type: 'message.send', req, room_id: 1, text: 'x' });
        const error = await client.next((frame) => frame.type === 'error', 'an error', from);
        expect(error).toEqual({ type: 'error', code: 'invalid_frame', detail: expect.any(String) });
      }
      await expectStillOpen(client, alice);
    });

    it.each([
      ['a blank text', { text: ' \n\t ' }],
      ['an empty text', { text: '' }],
      ['a text of 1,001 characters', { text: 'x'.repeat(1001) }],
      ['a client_id of 65 characters', { text: 'x', client_id: 'k'.repeat(65) }],
      ['an empty client_id', { text: 'x', client_id: '' }],
      ['a client_id with a control character', { text: 'x', client_id: 'a\nb' }],
    ])(
      'answers message.send with %s with invalid_input, stores nothing, stays open',
      async (_w, fields) => {
        const client = await connect(alice);
        const before = await rooms.countMessages();
        expect(await client.request({ type: 'message.send', room_id: 1, ...fields })).toMatchObject(
          {
            type: 'error',
            code: 'invalid_input',
          },
        );
        expect(await rooms.countMessages()).toBe(before);
        await expectStillOpen(client, alice);
      },
    );

    it('takes a text of exactly 1,000 characters, trimmed', async () => {
      const client = await connect(alice);
      const text = 'y'.repeat(1000);
      const ack = await client.ok({ type: 'message.send', room_id: 1, text: `  ${text}\n` });
      expect(ack.message.message).toBe(text);
    });

    it('answers an edit to blank or too long text with invalid_input and changes nothing', async () => {
      const client = await connect(alice);
      const sent = await client.ok({ type: 'message.send', room_id: 1, text: 'keep me' });
      const id = sent.message.message_id;
      for (const text of ['   ', 'z'.repeat(1001)]) {
        expect(await client.request({ type: 'message.edit', message_id: id, text })).toMatchObject({
          type: 'error',
          code: 'invalid_input',
        });
      }
      const [row] = await t.db.query('SELECT text, edited_at FROM messages WHERE id = $1', [id]);
      expect(row).toEqual({ text: 'keep me', edited_at: null });
      expect(await rooms.lastSeq(1)).toBe(sent.message.seq);
    });

    it('answers not_found for a room that does not exist or a private room the caller is not in', async () => {
      const client = await connect(bob);
      const privateRoom = await rooms.privateWith(alice);
      const before = await rooms.countMessages();
      for (const roomId of [privateRoom, 2_000_000]) {
        expect(
          await client.request({
            type: 'message.send',
            req: `to-${roomId}`,
            room_id: roomId,
            text: 'x',
          }),
        ).toEqual({
          type: 'error',
          req: `to-${roomId}`,
          code: 'not_found',
          detail: expect.any(String),
        });
      }
      expect(await rooms.countMessages()).toBe(before);
      expect(await rooms.lastSeq(privateRoom)).toBe(1);
      await expectStillOpen(client, bob);
    });

    it('refuses a message to a public room the caller has not joined, storing nothing', async () => {
      const client = await connect(bob);
      const publicRoom = await rooms.create(alice, 'public');
      const answer = await client.request({ type: 'message.send', room_id: publicRoom, text: 'x' });
      expect(answer).toMatchObject({ type: 'error', code: 'forbidden' });
      expect(await rooms.countMessages(publicRoom)).toBe(0);
      await expectStillOpen(client, bob);
    });

    it('answers not_found for a message that does not exist, or is in a private room of others', async () => {
      const owner = await connect(alice);
      const privateRoom = await rooms.privateWith(alice);
      const hidden = await owner.ok({ type: 'message.send', room_id: privateRoom, text: 'secret' });
      const client = await connect(bob);
      for (const id of [hidden.message.message_id, 2_000_000_000]) {
        for (const frame of [
          { type: 'message.edit', message_id: id, text: 'x' },
          { type: 'message.delete', message_id: id },
        ]) {
          expect(await client.request(frame)).toMatchObject({ type: 'error', code: 'not_found' });
        }
      }
      const [row] = await t.db.query('SELECT text FROM messages WHERE id = $1', [
        hidden.message.message_id,
      ]);
      expect(row.text).toBe('secret');
      await expectStillOpen(client, bob);
    });

    it("answers forbidden for an edit of another's message and changes nothing", async () => {
      const a = await connect(alice);
      const b = await connect(bob);
      const sent = await a.ok({ type: 'message.send', room_id: 1, text: "alice's" });
      expect(
        await b.request({
          type: 'message.edit',
          req: 'e',
          message_id: sent.message.message_id,
          text: 'x',
        }),
      ).toEqual({ type: 'error', req: 'e', code: 'forbidden', detail: expect.any(String) });
      const [row] = await t.db.query('SELECT text FROM messages WHERE id = $1', [
        sent.message.message_id,
      ]);
      expect(row.text).toBe("alice's");
      await expectStillOpen(b, bob);
    });

    it('answers forbidden for a message to an archived room', async () => {
      const roomId = await rooms.create(alice, 'public');
      await rooms.archive(roomId, alice);
      const client = await connect(alice);
      expect(
        await client.request({ type: 'message.send', room_id: roomId, text: 'x' }),
      ).toMatchObject({ type: 'error', code: 'forbidden' });
      expect(await rooms.countMessages(roomId)).toBe(0);
    });
  });
});

describe('the chat.v2 socket: rate limit', () => {
  let t: TestApp;
  let alice: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '1', MESSAGE_RATE_BURST: '3' });
    alice = await createUser(t);
  });
  afterAll(() => t.close());

  it('answers rate_limited past the burst, stores those not, and stays open', async () => {
    const client = await V2Client.connect(t.baseUrl, alice);
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        client.request({ type: 'message.send', req: `m${n}`, room_id: 1, text: `burst ${n}` }),
      ),
    );
    expect(answers.map((answer) => answer.type)).toEqual(['ack', 'ack', 'ack', 'error', 'error']);
    expect(answers[3]).toEqual({
      type: 'error',
      req: 'm4',
      code: 'rate_limited',
      detail: expect.any(String),
    });
    const [row] = await t.db.query('SELECT count(*)::int AS n FROM messages');
    expect(row.n).toBe(3);
    expect(client.isOpen).toBe(true);
    await settle(1_100);
    expect(await client.request({ type: 'message.send', room_id: 1, text: 'later' })).toMatchObject(
      {
        type: 'ack',
      },
    );
    client.close();
  });
});

describe('the chat.v2 socket: token expiry', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ JWT_TTL: '4s' });
  });
  afterAll(() => t.close());

  it('tells an authenticated socket token_expired and closes it with 1008 at expiry', async () => {
    const user = await createUser(t);
    const client = await V2Client.connect(t.baseUrl, user);
    const closed = await Promise.race([client.closed, settle(7_000).then(() => null)]);
    expect(closed).toEqual({ code: CLOSE_POLICY_VIOLATION, reason: 'Token expired' });
    expect(client.frames.at(-1)).toEqual({
      type: 'error',
      code: 'token_expired',
      detail: expect.any(String),
    });
  }, 15_000);
});
