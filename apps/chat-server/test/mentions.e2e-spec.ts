import { ChatClient } from './support/chat-client';
import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { Frame, V2Client } from './support/v2-client';
import { roomsApi } from './support/v2-rooms';

/** `@name` in a message's text: resolved to user ids when stored, shown in every v2 message. */
describe('mentions', () => {
  let t: TestApp;
  let rooms: ReturnType<typeof roomsApi>;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const open: { close(): void }[] = [];

  beforeAll(async () => {
    t = await startTestApp({ ROOMS_CREATED_PER_HOUR: '1000' });
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
  const byId = (...users: TestUser[]) => users.map((user) => user.id).sort((a, b) => a - b);

  it('are in the ack, in message.new, in history pages, in last_message and in the HTTP send result', async () => {
    const roomId = await rooms.privateWith(alice, bob, carol);
    const [a, b] = [await connect(alice), await connect(bob)];
    const text = `@${carol.name.toUpperCase()} and @[${bob.name}], see @nobody-here`;
    const ack = await a.ok({ type: 'message.send', room_id: roomId, text });
    expect(ack.message.mentions).toEqual(byId(bob, carol));
    const created = await b.next((frame) => frame.type === 'message.new');
    expect(created.message).toEqual(ack.message);
    const page = await t.http
      .get(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(bob))
      .expect(200);
    expect(page.body[0]).toEqual(ack.message);
    const listed = await t.http
      .get('/api/v1/rooms')
      .set(...bearer(bob))
      .expect(200);
    expect(listed.body.find((room: Frame) => room.id === roomId).last_message).toEqual(ack.message);
    const posted = await t.http
      .post(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(bob))
      .send({ text: `thanks @${alice.name}` })
      .expect(201);
    expect(posted.body.mentions).toEqual([alice.id]);
  });

  it('an edit resolves them again, shown in message.updated and in what is read back', async () => {
    const roomId = await rooms.privateWith(alice, bob, carol);
    const [a, b] = [await connect(alice), await connect(bob)];
    const sent = await a.ok({ type: 'message.send', room_id: roomId, text: `@${bob.name}` });
    const point = sent.message.seq;
    await a.ok({
      type: 'message.edit',
      message_id: sent.message.message_id,
      text: `@${carol.name}`,
    });
    expect(await b.next((frame) => frame.type === 'message.updated')).toMatchObject({
      message_id: sent.message.message_id,
      mentions: [carol.id],
    });
    const one = await t.http
      .get(`/api/v1/messages/${sent.message.message_id}`)
      .set(...bearer(bob))
      .expect(200);
    expect(one.body.mentions).toEqual([carol.id]);
    // A resume replays the message as it is now, and the edit with its mentions.
    const resumed = await connect(bob);
    await resumed.ok({ type: 'resume', rooms: { [roomId]: point - 1 } });
    const replayed = resumed.frames.filter((frame) => frame.room_id === roomId);
    expect(
      replayed.map((frame) => [frame.type, frame.message?.mentions ?? frame.mentions]),
    ).toEqual([
      ['message.new', [carol.id]],
      ['message.updated', [carol.id]],
      ['resumed', undefined],
    ]);
  });

  it('in a private room or a DM resolve members only; in a public room any account', async () => {
    const secret = await rooms.privateWith(alice, bob);
    const a = await connect(alice);
    const text = `@${bob.name} @${carol.name}`;
    expect((await a.ok({ type: 'message.send', room_id: secret, text })).message.mentions).toEqual([
      bob.id,
    ]);
    const dm = await t.http
      .post('/api/v1/dms')
      .set(...bearer(alice))
      .send({ user_id: bob.id });
    const direct = await a.ok({ type: 'message.send', room_id: dm.body.id, text });
    expect(direct.message.mentions).toEqual([bob.id]);
    const lobby = await rooms.create(alice, 'public');
    const inLobby = await a.ok({ type: 'message.send', room_id: lobby, text });
    expect(inLobby.message.mentions).toEqual(byId(bob, carol));
  });

  it('leave the compat shapes as they were: no mentions on a compat socket', async () => {
    const compat = await ChatClient.connect(t.baseUrl, bob.token);
    open.push(compat);
    const a = await connect(alice);
    const sent = await a.ok({ type: 'message.send', room_id: 1, text: `hi @${bob.name}` });
    expect(sent.message.mentions).toEqual([bob.id]);
    const frame = await compat.next((f) => f.message_id === sent.message.message_id);
    expect(Object.keys(frame)).toEqual([
      'message_id',
      'user_id',
      'name',
      'role',
      'user_avatar',
      'message',
      'time_send',
      'created_at',
      'edited',
    ]);
    const history = await t.http.get('/routers/last_messages').expect(200);
    const stored = history.body.find((m: Frame) => m.message_id === sent.message.message_id);
    expect(Object.keys(stored)).toEqual(Object.keys(frame));
  });
});
