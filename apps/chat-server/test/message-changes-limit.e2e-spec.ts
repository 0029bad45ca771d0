import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { V2Client } from './support/v2-client';

/**
 * Edits and deletions, per user, over HTTP and the socket alike: MESSAGE_CHANGE_RATE_BURST at
 * once, then MESSAGE_CHANGE_RATE_LIMIT a second. Past it a change is refused and changes nothing.
 */
describe('edits and deletions are rate limited per user', () => {
  let t: TestApp;
  const open: V2Client[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      MESSAGE_RATE_LIMIT: '100000',
      MESSAGE_RATE_BURST: '100000',
      MESSAGE_CHANGE_RATE_LIMIT: '1',
      MESSAGE_CHANGE_RATE_BURST: '3',
    });
  });
  afterAll(async () => {
    for (const client of open.splice(0)) client.close();
    await t.close();
  });

  const post = async (user: TestUser, text: string): Promise<number> =>
    (
      await t.http
        .post('/api/v1/rooms/1/messages')
        .set(...bearer(user))
        .send({ text })
        .expect(201)
    ).body.message_id;
  const stored = async (id: number): Promise<string | undefined> =>
    (await t.db.query('SELECT text FROM messages WHERE id = $1', [id]))[0]?.text;

  it('over HTTP: past the burst an edit or deletion is 429, and the message stays as it was', async () => {
    const alice = await createUser(t);
    const id = await post(alice, 'first');
    const other = await post(alice, 'other');
    for (const text of ['one', 'two', 'three']) {
      await t.http
        .patch(`/api/v1/messages/${id}`)
        .set(...bearer(alice))
        .send({ text })
        .expect(200);
    }
    await t.http
      .patch(`/api/v1/messages/${id}`)
      .set(...bearer(alice))
      .send({ text: 'four' })
      .expect(429);
    await t.http
      .delete(`/api/v1/messages/${other}`)
      .set(...bearer(alice))
      .expect(429);
    expect(await stored(id)).toBe('three');
    expect(await stored(other)).toBe('other');
    // Another user's allowance is their own.
    const bob = await createUser(t);
    const bobs = await post(bob, 'bob');
    await t.http
      .delete(`/api/v1/messages/${bobs}`)
      .set(...bearer(bob))
      .expect(200);
  });

  it('on the socket: past the burst a deletion is rate_limited, and the message is kept', async () => {
    const carol = await createUser(t);
    const client = await V2Client.connect(t.baseUrl, carol);
    open.push(client);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push(await post(carol, `m${i}`));
    const answers = [];
    for (const id of ids)
      answers.push(await client.request({ type: 'message.delete', message_id: id }));
    expect(answers.map((answer) => answer.type)).toEqual(['ack', 'ack', 'ack', 'error']);
    expect(answers[3]).toMatchObject({ code: 'rate_limited' });
    expect(await stored(ids[3])).toBe('m3');
    const edit = await client.request({ type: 'message.edit', message_id: ids[3], text: 'x' });
    expect(edit).toMatchObject({ type: 'error', code: 'rate_limited' });
    expect(await stored(ids[3])).toBe('m3');
  });
});
