import { JwtService } from '@nestjs/jwt';
import { ChatClient, Frame, settle } from './support/chat-client';
import { bearer, createUser, login, PASSWORD, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const INVALID_FORMAT = { event: 'send user message', message: 'Invalid format' };
const INVALID_TOKEN = { event: 'send user message', message: 'Invalid token' };
const isMessage = (frame: Frame) => !('event' in frame);

describe('the /ws chat room', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      MESSAGE_RATE_LIMIT: '1000',
      MESSAGE_RATE_BURST: '1000',
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
      RESUME_MAX_MESSAGES: '2000',
    });
    alice = await createUser(t);
    bob = await createUser(t);
  });
  afterAll(() => t.close());

  const countMessages = async () =>
    Number((await t.db.query('SELECT count(*) FROM messages'))[0].count);
  const connect = (token?: string) => ChatClient.connect(t.baseUrl, token);

  it('stores a message, then sends the same frame to everyone, the sender included', async () => {
    const a = await connect();
    const b = await connect();
    a.send({ message: '  hello room  ', token: alice.token });
    const [toA] = await a.messages(1);
    const [toB] = await b.messages(1);
    expect(toA).toEqual(toB);
    expect(toA).toEqual({
      message_id: expect.any(Number),
      user_id: alice.id,
      name: alice.name,
      role: 1,
      user_avatar: expect.stringMatching(/^\/static\//),
      message: 'hello room',
      time_send: expect.stringMatching(/^\d\d:\d\d:\d\d$/),
      created_at: expect.any(String),
      edited: false,
    });
    const [stored] = await t.db.query('SELECT text, user_id FROM messages WHERE id = $1', [
      toA.message_id,
    ]);
    expect(stored).toEqual({ text: 'hello room', user_id: alice.id });
    a.close();
    b.close();
  });

  it('takes the token once at connect, then frames without one', async () => {
    const a = await connect(alice.token);
    a.send({ message: 'no token in the frame' });
    const [frame] = await a.messages(1);
    expect(frame).toMatchObject({ user_id: alice.id, message: 'no token in the frame' });
    a.close();
  });

  it('takes the token from an auth frame, out of the URL, then frames without one', async () => {
    const a = await connect();
    a.send({ action: 'auth', token: alice.token });
    a.send({ message: 'authenticated by frame' });
    expect(await a.next((f) => f.event === 'auth')).toEqual({ event: 'auth', user_id: alice.id });
    expect((await a.messages(1))[0]).toMatchObject({
      user_id: alice.id,
      message: 'authenticated by frame',
    });
    a.send({ action: 'resume', after_id: 0 });
    expect(await a.next((f) => f.event === 'resume')).toMatchObject({ recovered: true });
    a.close();
  });

  it.each([
    ['a garbage token', 'garbage'],
    ['an empty token', ''],
  ])('refuses an auth frame with %s and closes 1008', async (_c, token) => {
    const a = await connect();
    a.send({ action: 'auth', token });
    const notice = await a.next((f) => f.event === 'send user message');
    expect(notice).toEqual(token ? INVALID_TOKEN : INVALID_FORMAT);
    expect((await a.closed).code).toBe(1008);
  });

  it('uses the frame token over the connect token', async () => {
    const a = await connect(alice.token);
    a.send({ message: 'as bob', token: bob.token });
    expect((await a.messages(1))[0]).toMatchObject({ user_id: bob.id });
    a.close();
  });

  it('stores a client_id once, answering a repeat to its sender only, across reconnects', async () => {
    const a = await connect(alice.token);
    const b = await connect();
    const before = await countMessages();
    a.send({ message: 'exactly once', client_id: 'key-1' });
    const [first] = await a.messages(1);
    expect(first).toMatchObject({ message: 'exactly once', client_id: 'key-1' });
    a.send({ message: 'exactly once', client_id: 'key-1' });
    const repeats = await a.messages(2);
    expect(repeats[1]).toEqual(first);
    a.close();

    const again = await connect(alice.token);
    again.send({ message: 'exactly once', client_id: 'key-1' });
    expect((await again.messages(1))[0]).toEqual(first);
    await settle();
    expect(b.frames.filter(isMessage)).toEqual([first]);
    expect(await countMessages()).toBe(before + 1);

    // The key is per author: bob may use the same one.
    again.send({ message: 'bob too', client_id: 'key-1', token: bob.token });
    expect((await again.messages(2))[1]).toMatchObject({ user_id: bob.id, client_id: 'key-1' });
    again.close();
    b.close();
  });

  it('keeps two concurrent frames with one client_id to one stored message', async () => {
    const a = await connect(alice.token);
    const c = await connect(bob.token);
    const before = await countMessages();
    a.send({ message: 'race', client_id: 'race-key' });
    c.send({ message: 'race', client_id: 'race-key', token: alice.token });
    await a.messages(1);
    await c.messages(1);
    await settle();
    expect(await countMessages()).toBe(before + 1);
    a.close();
    c.close();
  });

  it('replays what a client missed through resume, in order, then continues live', async () => {
    const a = await connect(alice.token);
    const b = await connect();
    a.send({ message: 'seen by b' });
    const [seen] = await b.messages(1);
    b.close();

    for (let i = 1; i <= 30; i++) a.send({ message: `missed ${i}` });
    await a.messages(31);

    // Signed in first (acknowledged), so the resume is the next frame the server handles: a
    // message broadcast before the server reads the resume is live to this socket, not missed.
    const back = await connect();
    back.send({ action: 'auth', token: bob.token });
    await back.next((f) => f.event === 'auth');
    back.send({ action: 'resume', after_id: seen.message_id });
    a.send({ message: 'live after resume' });
    const frames = await back.messages(31);
    expect(frames.map((f) => f.message)).toEqual([
      ...Array.from({ length: 30 }, (_, i) => `missed ${i + 1}`),
      'live after resume',
    ]);
    const ids = frames.map((f) => f.message_id as number);
    expect([...ids].sort((x, y) => x - y)).toEqual(ids);

    const since = await t.http.get(`/routers/since?after_id=${seen.message_id}`).expect(200);
    expect(since.body.map((m: Frame) => m.message)).toEqual(frames.map((f) => f.message));
    a.close();
    back.close();
  });

  it('leaves out of a resume what the socket already got live since it connected', async () => {
    const a = await connect(alice.token);
    a.send({ message: 'before the reconnect' });
    const [before] = await a.messages(1);

    const back = await connect(bob.token);
    a.send({ message: 'arrived live first' });
    await back.messages(1);
    back.send({ action: 'resume', after_id: (before.message_id as number) - 1 });
    a.send({ message: 'after the resume' });
    await back.messages(3);
    await settle();
    expect(back.frames.filter(isMessage).map((f) => f.message)).toEqual([
      'arrived live first',
      'before the reconnect',
      'after the resume',
    ]);
    a.close();
    back.close();
  });

  it('replays more than one page of history on resume', async () => {
    const [{ max }] = await t.db.query('SELECT coalesce(max(id), 0) AS max FROM messages');
    await t.db.query(
      `INSERT INTO messages (user_id, text) SELECT $1, 'bulk ' || n FROM generate_series(1, 1200) n`,
      [bob.id],
    );
    const client = await connect(alice.token);
    client.send({ action: 'resume', after_id: Number(max) });
    const frames = await client.messages(1200);
    expect(frames.map((f) => f.message)).toEqual(
      Array.from({ length: 1200 }, (_, i) => `bulk ${i + 1}`),
    );
    client.close();
  });

  it('answers 10 frames in arrival order', async () => {
    const a = await connect(alice.token);
    for (let i = 0; i < 10; i++) a.send({ message: `ordered ${i}` });
    const frames = await a.messages(10);
    expect(frames.map((f) => f.message)).toEqual(
      Array.from({ length: 10 }, (_, i) => `ordered ${i}`),
    );
    a.close();
  });

  it('sends a burst to more sockets than one flush slice: all of it, to each in id order', async () => {
    const readers = await Promise.all(Array.from({ length: 250 }, () => connect()));
    const writer = await connect(alice.token);
    for (let i = 0; i < 30; i++) writer.send({ message: `burst ${i}` });
    const texts = Array.from({ length: 30 }, (_, i) => `burst ${i}`);
    for (const reader of [...readers, writer]) {
      const frames = await reader.messages(30);
      expect(frames.map((f) => f.message)).toEqual(texts);
      const ids = frames.map((f) => f.message_id as number);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
    }
    for (const client of [...readers, writer]) client.close();
    await settle();
  });

  it('delivers edits and deletes to every client', async () => {
    const a = await connect(alice.token);
    const b = await connect();
    a.send({ message: 'to be edited' });
    const [message] = await b.messages(1);
    await t.http
      .patch('/routers/update')
      .set(...bearer(alice))
      .send({ message_id: message.message_id, message: 'edited' })
      .expect(201);
    const update = { event: 'update', message_id: message.message_id, new_message: 'edited' };
    expect(await a.next((f) => f.event === 'update')).toEqual(update);
    expect(await b.next((f) => f.event === 'update')).toEqual(update);
    a.close();
    b.close();
  });

  it('tells every client when a user is renamed, with the name, role and avatar to show', async () => {
    const renamed = await createUser(t);
    const a = await connect(renamed.token);
    const b = await connect();
    const name = `${renamed.name}-new`;
    await t.http
      .patch('/user/update')
      .set(...bearer(renamed))
      .send({ data_update: { name } })
      .expect(201);
    const user = {
      event: 'user',
      user_id: renamed.id,
      name,
      role: 1,
      user_avatar: expect.stringMatching(/^\/static\//),
    };
    expect(await a.next((f) => f.event === 'user')).toEqual(user);
    expect(await b.next((f) => f.event === 'user')).toEqual(user);
    a.close();
    b.close();
  });

  describe('refusals', () => {
    const tooLong = 'x'.repeat(1001);
    const formatErrors: [string, unknown][] = [
      ['plain text', 'hello'],
      ['truncated JSON', '{"message": "hi"'],
      ['an empty frame', ''],
      ['a JSON array', [{ message: 'hi' }]],
      ['an empty array', []],
      ['null', 'null'],
      ['a number', '42'],
      ['a string', '"hi"'],
      ['true', 'true'],
      ['an empty object', {}],
      ['no message', { token: 'x' }],
      ['a null message', { message: null }],
      ['a numeric message', { message: 5 }],
      ['an object message', { message: { text: 'hi' } }],
      ['an array message', { message: ['hi'] }],
      ['a boolean message', { message: true }],
      ['an empty message', { message: '' }],
      ['a blank message', { message: '   \n\t ' }],
      ['a 1001-character message', { message: tooLong }],
      ['a message with a NUL character', { message: 'nul\u0000byte' }],
      ['a numeric token', { message: 'hi', token: 5 }],
      ['an empty token', { message: 'hi', token: '' }],
      ['an object token', { message: 'hi', token: { jwt: 'x' } }],
      ['a numeric client_id', { message: 'hi', client_id: 7 }],
      ['an empty client_id', { message: 'hi', client_id: '' }],
      ['a 65-character client_id', { message: 'hi', client_id: 'c'.repeat(65) }],
      ['an unknown action', { action: 'shout' }],
      ['resume without after_id', { action: 'resume' }],
      ['resume with a string after_id', { action: 'resume', after_id: '5' }],
      ['resume with a negative after_id', { action: 'resume', after_id: -1 }],
      ['resume with a fractional after_id', { action: 'resume', after_id: 1.5 }],
      ['resume with a huge after_id', { action: 'resume', after_id: 1e300 }],
      ['a null action', { action: null, message: 'hi' }],
    ];

    it.each(formatErrors)('answers Invalid format and closes 1008 for %s', async (_case, frame) => {
      const before = await countMessages();
      const client = await connect(alice.token);
      client.send(frame);
      expect(await client.next((f) => f.event === 'send user message')).toEqual(INVALID_FORMAT);
      expect((await client.closed).code).toBe(1008);
      expect(await countMessages()).toBe(before);
    });

    it('answers Invalid format and closes 1008 for a binary frame', async () => {
      const client = await connect(alice.token);
      client.socket.send(Buffer.from(JSON.stringify({ message: 'hi' })), { binary: true });
      expect(await client.next((f) => f.event === 'send user message')).toEqual(INVALID_FORMAT);
      expect((await client.closed).code).toBe(1008);
    });

    it('closes with 1009 for a 70 KiB frame and stores nothing', async () => {
      const before = await countMessages();
      const client = await connect(alice.token);
      client.send({ message: 'x'.repeat(70 * 1024) });
      expect((await client.closed).code).toBe(1009);
      expect(await countMessages()).toBe(before);
    });

    const forgedTokens: [string, () => Promise<string> | string][] = [
      ['no token at all', () => ''],
      ['a garbage token', () => 'garbage'],
      [
        'a forged signature',
        () => alice.token.slice(0, -3) + (alice.token.endsWith('abc') ? 'xyz' : 'abc'),
      ],
      [
        'alg none',
        () => {
          const [, payload] = alice.token.split('.');
          return `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${payload}.`;
        },
      ],
      [
        'an expired token',
        () => {
          const { sid } = JSON.parse(
            Buffer.from(alice.token.split('.')[1], 'base64url').toString(),
          );
          return t.app.get(JwtService).signAsync({ sub: String(alice.id), sid }, { expiresIn: -5 });
        },
      ],
      [
        'a revoked token',
        async () => {
          const session = await login(t, alice.name, PASSWORD);
          await t.http
            .post('/user/logout')
            .set(...bearer(session))
            .expect(200);
          return session.token;
        },
      ],
      [
        "a deleted user's token",
        async () => {
          const doomed = await createUser(t);
          await t.http
            .delete('/user/delete')
            .set(...bearer(doomed))
            .expect(201);
          return doomed.token;
        },
      ],
    ];

    it.each(forgedTokens)(
      'answers Invalid token and closes 1008 for %s in a frame',
      async (_case, forge) => {
        const token = await forge();
        const before = await countMessages();
        const client = await connect();
        client.send(token ? { message: 'hi', token } : { message: 'hi' });
        expect(await client.next((f) => f.event === 'send user message')).toEqual(INVALID_TOKEN);
        expect((await client.closed).code).toBe(1008);
        expect(await countMessages()).toBe(before);
      },
    );

    it.each(forgedTokens.slice(1))(
      'answers Invalid token and closes 1008 for %s at connect',
      async (_case, forge) => {
        const client = await connect(await forge());
        expect(await client.next((f) => f.event === 'send user message')).toEqual(INVALID_TOKEN);
        expect((await client.closed).code).toBe(1008);
      },
    );

    it('keeps serving other clients after all of that', async () => {
      const a = await connect(alice.token);
      a.send({ message: 'still here' });
      expect((await a.messages(1))[0]).toMatchObject({ message: 'still here' });
      a.close();
    });
  });

  it('stores SQL-looking and control-character text verbatim', async () => {
    const a = await connect(alice.token);
    const text = "'); DROP TABLE messages; -- \u0007\u001b[31m <script>x</script> \u202e";
    a.send({ message: text });
    const [frame] = await a.messages(1);
    expect(frame.message).toBe(text);
    const [row] = await t.db.query('SELECT text FROM messages WHERE id = $1', [frame.message_id]);
    expect(row.text).toBe(text);
    a.close();
  });

  it('ends a socket whose connect session is revoked', async () => {
    const session = await login(t, bob.name, PASSWORD);
    const client = await connect(session.token);
    client.send({ message: 'before logout' });
    await client.messages(1);
    await t.http
      .post('/user/logout')
      .set(...bearer(session))
      .expect(200);
    expect(await client.next((f) => f.event === 'send user message')).toEqual(INVALID_TOKEN);
    expect((await client.closed).code).toBe(1008);
  });
});

describe('resume, bounded', () => {
  let t: TestApp;
  let user: TestUser;
  const BOUND = 10;

  beforeAll(async () => {
    t = await startTestApp({ RESUME_MAX_MESSAGES: String(BOUND) });
    user = await createUser(t);
  });
  afterAll(() => t.close());

  /** Stores `count` messages; the id before the first of them. */
  const store = async (count: number, tag: string): Promise<number> => {
    const [{ max }] = await t.db.query('SELECT coalesce(max(id), 0)::text AS max FROM messages');
    await t.db.query(
      `INSERT INTO messages (user_id, text) SELECT $1, $2 || n FROM generate_series(1, $3) n`,
      [user.id, `${tag} `, count],
    );
    return Number(max);
  };
  const latestId = async () =>
    Number((await t.db.query('SELECT max(id)::text AS max FROM messages'))[0].max);

  it('replays up to the bound, then says the replay is complete', async () => {
    const after = await store(BOUND, 'within');
    const client = await ChatClient.connect(t.baseUrl, user.token);
    client.send({ action: 'resume', after_id: after });
    const done = await client.next((f) => f.event === 'resume');
    expect(done).toEqual({ event: 'resume', recovered: true, latest_id: await latestId() });
    const frames = client.frames.slice(0, client.frames.indexOf(done));
    expect(frames.map((f) => f.message)).toEqual(
      Array.from({ length: BOUND }, (_, i) => `within ${i + 1}`),
    );
    client.close();
  });

  it('replays nothing past the bound and tells the client to reload history', async () => {
    const after = await store(BOUND + 1, 'beyond');
    const client = await ChatClient.connect(t.baseUrl, user.token);
    client.send({ action: 'resume', after_id: after });
    expect(await client.next((f) => f.event === 'resume')).toEqual({
      event: 'resume',
      recovered: false,
      latest_id: await latestId(),
    });
    await settle();
    expect(client.frames).toHaveLength(1);
    // Live traffic goes on.
    client.send({ message: 'still live' });
    expect((await client.messages(1))[0]).toMatchObject({ message: 'still live' });
    client.close();
  });

  it('replays nothing to an anonymous socket, tells it so, and keeps it open', async () => {
    await store(3, 'anonymous');
    const client = await ChatClient.connect(t.baseUrl);
    client.send({ action: 'resume', after_id: 0 });
    expect(await client.next((f) => f.event === 'send user message')).toEqual({
      event: 'send user message',
      message: 'Not authenticated',
    });
    await settle();
    expect(client.frames).toHaveLength(1);
    client.send({ message: 'then with a token', token: user.token });
    expect((await client.messages(1))[0]).toMatchObject({ message: 'then with a token' });
    client.close();
  });
});

describe('a socket whose token expires', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ JWT_TTL: '4s' });
  });
  afterAll(() => t.close());

  const TOKEN_EXPIRED = { event: 'send user message', message: 'Token expired' };

  it('is told and closed at expiry, and what it sends after is not stored', async () => {
    const user = await createUser(t);
    const client = await ChatClient.connect(t.baseUrl, user.token);
    client.send({ message: 'while the token holds' });
    await client.messages(1);
    await settle(6_000);
    client.send({ message: 'after the token expired' });
    expect(await client.next((f) => f.event === 'send user message')).toEqual(TOKEN_EXPIRED);
    expect(await client.closed).toEqual({ code: 1008, reason: 'Token expired' });
    await settle();
    const rows = await t.db.query('SELECT text FROM messages WHERE user_id = $1', [user.id]);
    expect(rows).toEqual([{ text: 'while the token holds' }]);
  }, 15_000);

  it('closes a socket that sends nothing when its token expires', async () => {
    const user = await createUser(t);
    const client = await ChatClient.connect(t.baseUrl, user.token);
    const closed = await Promise.race([client.closed, settle(6_000).then(() => null)]);
    expect(closed).toEqual({ code: 1008, reason: 'Token expired' });
    expect(client.frames).toEqual([TOKEN_EXPIRED]);
  }, 15_000);
});

describe('message rate limit', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '1', MESSAGE_RATE_BURST: '3' });
  });
  afterAll(() => t.close());

  it('answers frames past the burst without closing and stores none of them', async () => {
    const user = await createUser(t);
    const client = await ChatClient.connect(t.baseUrl, user.token);
    for (let i = 0; i < 5; i++) client.send({ message: `burst ${i}` });
    await client.messages(3);
    const notices = await waitFor(
      () => client.frames.filter((f) => f.message === 'Rate limit exceeded').length >= 2,
    ).then(() => client.frames.filter((f) => f.event === 'send user message'));
    expect(notices).toEqual([
      { event: 'send user message', message: 'Rate limit exceeded' },
      { event: 'send user message', message: 'Rate limit exceeded' },
    ]);
    const rows = await t.db.query('SELECT text FROM messages ORDER BY id');
    expect(rows.map((r: { text: string }) => r.text)).toEqual(['burst 0', 'burst 1', 'burst 2']);
    expect(client.socket.readyState).toBe(client.socket.OPEN);
    client.close();
  });
});

async function waitFor(condition: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await settle(20);
  }
}
