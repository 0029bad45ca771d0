import { ChatClient } from './support/chat-client';
import { bearer, createUser, createUserWithRole, loginAdmin, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const MESSAGE_KEYS = [
  'created_at',
  'edited',
  'message',
  'message_id',
  'name',
  'role',
  'time_send',
  'user_avatar',
  'user_id',
].sort();

describe('message history and moderation over HTTP', () => {
  let t: TestApp;
  let author: TestUser;
  let ids: number[];

  beforeAll(async () => {
    t = await startTestApp({ TIME_ZONE: 'Asia/Kolkata' });
    author = await createUser(t);
    const rows: { id: string }[] = await t.db.query(
      `INSERT INTO messages (user_id, text) SELECT $1, 'message ' || n FROM generate_series(1, 120) n
       RETURNING id`,
      [author.id],
    );
    ids = rows.map((row) => Number(row.id));
  });
  afterAll(() => t.close());

  const storedIds = async () =>
    (await t.db.query('SELECT id FROM messages ORDER BY id')).map((r: { id: string }) =>
      Number(r.id),
    );

  describe('GET /routers/last_messages', () => {
    it('returns the 50 newest, newest first, in the contract shape', async () => {
      const response = await t.http.get('/routers/last_messages').expect(200);
      expect(response.body).toHaveLength(50);
      expect(response.body.map((m: { message_id: number }) => m.message_id)).toEqual(
        ids.slice(-50).reverse(),
      );
      const newest = response.body[0];
      expect(Object.keys(newest).sort()).toEqual(MESSAGE_KEYS);
      expect(newest).toMatchObject({
        message_id: ids[119],
        user_id: author.id,
        name: author.name,
        role: 1,
        message: 'message 120',
        edited: false,
      });
      expect(newest.user_avatar).toMatch(/^\/static\/avatars\//);
    });

    it('gives time_send in the configured time zone and created_at in UTC', async () => {
      const [newest] = (await t.http.get('/routers/last_messages').expect(200)).body;
      const created = new Date(newest.created_at);
      expect(newest.created_at).toBe(created.toISOString());
      const kolkata = new Date(created.getTime() + 330 * 60_000).toISOString().slice(11, 19);
      expect(newest.time_send).toBe(kolkata);
    });
  });

  describe('POST /routers/load', () => {
    it('pages through all 120 messages without gaps or repeats', async () => {
      const seen: number[] = [];
      let before = ids[119] + 1;
      for (let page = 0; page < 5; page++) {
        const response = await t.http
          .post('/routers/load')
          .send({ id_message: before })
          .expect(200);
        if (response.body.length === 0) break;
        expect(response.body.length).toBeLessThanOrEqual(50);
        seen.push(...response.body.map((m: { message_id: number }) => m.message_id));
        before = seen[seen.length - 1];
      }
      expect(seen).toEqual([...ids].reverse());
    });

    it('answers [] for 0 and for ids below the first message', async () => {
      expect((await t.http.post('/routers/load').send({ id_message: 0 }).expect(200)).body).toEqual(
        [],
      );
      expect(
        (await t.http.post('/routers/load').send({ id_message: ids[0] }).expect(200)).body,
      ).toEqual([]);
    });

    it('is also served at /chat/load with the same answer', async () => {
      const body = { id_message: ids[60] };
      const original = await t.http.post('/routers/load').send(body).expect(200);
      const alias = await t.http.post('/chat/load').send(body).expect(200);
      expect(alias.body).toEqual(original.body);
    });

    it.each([
      ['a missing id', {}],
      ['a string id', { id_message: '10' }],
      ['a negative id', { id_message: -1 }],
      ['a fractional id', { id_message: 1.5 }],
      ['an id past 2^53', { id_message: 1e20 }],
      ['a null id', { id_message: null }],
    ])('answers 422 for %s', async (_case, body) => {
      const response = await t.http.post('/routers/load').send(body).expect(422);
      expect(response.body.detail[0]).toEqual({ field: 'id_message', message: expect.any(String) });
    });
  });

  describe('GET /routers/since', () => {
    it('returns newer messages oldest first, at most the limit', async () => {
      const response = await t.http.get(`/routers/since?after_id=${ids[100]}`).expect(200);
      expect(response.body.map((m: { message_id: number }) => m.message_id)).toEqual(
        ids.slice(101),
      );
      const limited = await t.http.get(`/routers/since?after_id=0&limit=3`).expect(200);
      expect(limited.body.map((m: { message_id: number }) => m.message_id)).toEqual(
        ids.slice(0, 3),
      );
    });

    it('returns at most 500 by default', async () => {
      await t.db.query(
        `INSERT INTO messages (user_id, text) SELECT $1, 'bulk' FROM generate_series(1, 450)`,
        [author.id],
      );
      const response = await t.http.get('/routers/since?after_id=0').expect(200);
      expect(response.body).toHaveLength(500);
      await t.db.query(`DELETE FROM messages WHERE text = 'bulk'`);
    });

    it.each([
      '',
      'after_id=abc',
      'after_id=-1',
      'after_id=1&limit=0',
      'after_id=1&limit=501',
      'after_id=1.5',
    ])('answers 422 for ?%s', async (query) => {
      await t.http.get(`/routers/since?${query}`).expect(422);
    });
  });

  it('shows the author as they are now, not as they were when sending', async () => {
    const user = await createUser(t);
    await t.db.query(`INSERT INTO messages (user_id, text) VALUES ($1, 'before the rename')`, [
      user.id,
    ]);
    await t.http
      .patch('/user/update')
      .set(...bearer(user))
      .send({ data_update: { name: `${user.name}-renamed` } })
      .expect(201);
    let [newest] = (await t.http.get('/routers/last_messages')).body;
    expect(newest).toMatchObject({ message: 'before the rename', name: `${user.name}-renamed` });

    await t.http
      .delete('/user/delete')
      .set(...bearer(user))
      .expect(201);
    [newest] = (await t.http.get('/routers/last_messages')).body;
    expect(newest).toMatchObject({
      message: 'before the rename',
      user_id: user.id,
      name: `Deleted #${user.id}`,
      user_avatar: '/static/avatars/deleted.webp',
    });
  });

  describe('PATCH /routers/update', () => {
    const edit = (token: string, body: object) =>
      t.http.patch('/routers/update').send({ token, ...body });

    it('lets the author edit, marks the message edited and tells every client', async () => {
      const watcher = await ChatClient.connect(t.baseUrl);
      const response = await edit(author.token, {
        message_id: ids[5],
        message: '  fixed  ',
      }).expect(201);
      expect(response.body).toEqual({ message: 'message updated successfully' });
      expect(await watcher.next((f) => f.event === 'update')).toEqual({
        event: 'update',
        message_id: ids[5],
        new_message: 'fixed',
      });
      const [page] = [(await t.http.post('/routers/load').send({ id_message: ids[6] })).body];
      expect(page[0]).toMatchObject({ message_id: ids[5], message: 'fixed', edited: true });
      watcher.close();
    });

    it('answers 409 Unauthorized access to anyone but the author, even an admin', async () => {
      const admin = await loginAdmin(t);
      for (const caller of [await createUser(t), admin]) {
        const response = await edit(caller.token, {
          message_id: ids[7],
          message: 'hijacked',
        }).expect(409);
        expect(response.body).toEqual({ detail: 'Unauthorized access' });
      }
      const [row] = await t.db.query('SELECT text FROM messages WHERE id = $1', [ids[7]]);
      expect(row.text).toBe('message 8');
    });

    it('answers 409 for a message that does not exist', async () => {
      await edit(author.token, { message_id: 999_999, message: 'x' }).expect(409);
    });

    it.each([
      ['blank text', { message_id: 1, message: '   ' }],
      ['1001 characters', { message_id: 1, message: 'x'.repeat(1001) }],
      ['a NUL character', { message_id: 1, message: 'a\u0000b' }],
      ['numeric text', { message_id: 1, message: 5 }],
      ['a string id', { message_id: '1', message: 'x' }],
      ['no id', { message: 'x' }],
    ])('answers 422 for %s', async (_case, body) => {
      await edit(author.token, body).expect(422);
    });

    it('answers 401 without a token', async () => {
      await t.http.patch('/routers/update').send({ message_id: ids[0], message: 'x' }).expect(401);
    });
  });

  describe('DELETE /routers/delete-message', () => {
    const remove = (token: string, id: number) =>
      t.http.delete('/routers/delete-message').send({ token, id_message: id });

    it('lets moderators and admins delete any message and tells every client', async () => {
      const admin = await loginAdmin(t);
      const moderator = await createUserWithRole(t, admin, 2);
      const watcher = await ChatClient.connect(t.baseUrl);
      for (const [caller, id] of [
        [moderator, ids[10]],
        [admin, ids[11]],
      ] as const) {
        const response = await remove(caller.token, id).expect(201);
        expect(response.body).toEqual({ message: 'message deleted successfully' });
        expect(await watcher.next((f) => f.event === 'delete' && f.message_id === id)).toEqual({
          event: 'delete',
          message_id: id,
        });
      }
      expect(await storedIds()).not.toEqual(expect.arrayContaining([ids[10]]));
      expect(await storedIds()).not.toEqual(expect.arrayContaining([ids[11]]));
      watcher.close();
    });

    it('answers 409 Unauthorized access to a user, even the author, and keeps the message', async () => {
      const response = await remove(author.token, ids[12]).expect(409);
      expect(response.body).toEqual({ detail: 'Unauthorized access' });
      expect(await storedIds()).toContain(ids[12]);
    });

    it('answers 409 for a message that does not exist', async () => {
      const admin = await loginAdmin(t);
      await remove(admin.token, 999_999).expect(409);
    });

    it('answers 401 without a token', async () => {
      await t.http.delete('/routers/delete-message').send({ id_message: ids[13] }).expect(401);
    });
  });
});
