import { JwtService } from '@nestjs/jwt';
import { bearer, createUser, login, PASSWORD, TestUser, uniqueName } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('login, tokens and sessions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const me = (user: Pick<TestUser, 'token'>) => t.http.get('/user/me').set(...bearer(user));

  describe('POST /user/login', () => {
    it('answers 200 with a token and the numeric user id', async () => {
      const name = uniqueName();
      await t.http.post('/auth/register-user').send({ name, password: PASSWORD }).expect(201);
      const response = await t.http
        .post('/user/login')
        .send({ name, password: PASSWORD })
        .expect(200);
      expect(response.body).toEqual({ token: expect.any(String), user_id: expect.any(Number) });
      const payload = JSON.parse(
        Buffer.from(response.body.token.split('.')[0], 'base64url').toString(),
      );
      expect(payload).toEqual({ alg: 'HS256', typ: 'JWT' });
    });

    it('matches the name case-insensitively and ignores surrounding spaces', async () => {
      const user = await createUser(t, uniqueName('CaseUser'));
      const again = await login(t, `  ${user.name.toUpperCase()} `, PASSWORD);
      expect(again.id).toBe(user.id);
    });

    it.each([
      ['a wrong password', (name: string) => ({ name, password: 'wrong password' })],
      ['an unknown name', () => ({ name: uniqueName('ghost'), password: PASSWORD })],
      [
        'the password plus a NUL and anything after it',
        (name: string) => ({ name, password: `${PASSWORD}\u0000whatever` }),
      ],
      [
        'the password plus extra bytes past 72',
        (name: string) => ({ name, password: PASSWORD + 'x'.repeat(80) }),
      ],
    ])('answers 409 Invalid credentials for %s', async (_case, body) => {
      const user = await createUser(t);
      const response = await t.http.post('/user/login').send(body(user.name)).expect(409);
      expect(response.body).toEqual({ detail: 'Invalid credentials' });
    });

    it('answers 422 for missing or wrongly typed fields', async () => {
      await t.http.post('/user/login').send({ name: 'x' }).expect(422);
      await t.http.post('/user/login').send({ name: 1, password: 2 }).expect(422);
    });
  });

  describe('/user/me', () => {
    it('reads the token from the Authorization header (GET) and from the body (POST)', async () => {
      const user = await createUser(t);
      const expected = {
        user_id: user.id,
        name: user.name,
        role: 1,
        user_avatar: expect.any(String),
      };
      expect((await me(user).expect(200)).body).toEqual(expected);
      const compat = await t.http.post('/user/me').send({ token: user.token }).expect(200);
      expect(compat.body).toEqual(expected);
    });

    it('prefers the header when both carry a token', async () => {
      const alice = await createUser(t);
      const bob = await createUser(t);
      const response = await t.http
        .post('/user/me')
        .set(...bearer(alice))
        .send({ token: bob.token })
        .expect(200);
      expect(response.body.user_id).toBe(alice.id);
    });

    it('answers 401 Not authenticated without a token', async () => {
      expect((await t.http.get('/user/me').expect(401)).body).toEqual({
        detail: 'Not authenticated',
      });
      await t.http.post('/user/me').send({}).expect(401);
      await t.http.post('/user/me').send({ token: 12345 }).expect(401);
    });

    it('refuses a token in the query string, which only the avatar upload accepts', async () => {
      const user = await createUser(t);
      const query = { token: user.token };
      expect((await t.http.get('/user/me').query(query).expect(401)).body).toEqual({
        detail: 'Not authenticated',
      });
      await t.http.post('/user/me').query(query).send({}).expect(401);
      await t.http.post('/user/logout').query(query).expect(401);
      await t.http.delete('/user/delete').query(query).expect(401);
      await t.http
        .patch('/user/update')
        .query(query)
        .send({ data_update: { name: uniqueName() } })
        .expect(401);
      await me(user).expect(200);
    });

    it('answers 401 Token expired for an expired token', async () => {
      const user = await createUser(t);
      const [, payload] = user.token.split('.');
      const { sid } = JSON.parse(Buffer.from(payload, 'base64url').toString());
      const expired = await t.app
        .get(JwtService)
        .signAsync({ sub: String(user.id), sid }, { expiresIn: -10 });
      expect((await me({ token: expired }).expect(401)).body).toEqual({ detail: 'Token expired' });
    });

    it.each([
      ['garbage', () => 'not.a.token'],
      [
        'a wrong signature',
        (u: TestUser) => u.token.slice(0, -4) + (u.token.endsWith('AAAA') ? 'BBBB' : 'AAAA'),
      ],
      [
        'alg none',
        (u: TestUser) => {
          const [, payload] = u.token.split('.');
          const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString(
            'base64url',
          );
          return `${header}.${payload}.`;
        },
      ],
      [
        'HS512 with the right secret',
        async (u: TestUser) => {
          const [, payload] = u.token.split('.');
          const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
          return t.app
            .get(JwtService)
            .signAsync({ sub: claims.sub, sid: claims.sid }, { algorithm: 'HS512' });
        },
      ],
      [
        'an unknown session id',
        (u: TestUser) =>
          t.app
            .get(JwtService)
            .signAsync({ sub: String(u.id), sid: '00000000-0000-4000-8000-000000000000' }),
      ],
      [
        'a session id that is not a UUID',
        (u: TestUser) =>
          t.app.get(JwtService).signAsync({ sub: String(u.id), sid: "1' OR '1'='1" }),
      ],
      [
        "another user's session",
        async (u: TestUser) => {
          const other = await createUser(t);
          const [, payload] = other.token.split('.');
          const { sid } = JSON.parse(Buffer.from(payload, 'base64url').toString());
          return t.app.get(JwtService).signAsync({ sub: String(u.id), sid });
        },
      ],
    ])('answers 401 Invalid token for %s', async (_case, forge) => {
      const user = await createUser(t);
      const token = await forge(user);
      expect((await me({ token }).expect(401)).body).toEqual({ detail: 'Invalid token' });
    });
  });

  describe('POST /user/logout', () => {
    it('ends that session only', async () => {
      const user = await createUser(t);
      const second = await login(t, user.name, PASSWORD);
      const response = await t.http
        .post('/user/logout')
        .set(...bearer(user))
        .expect(200);
      expect(response.body).toEqual({ message: 'Logged out successfully' });
      expect((await me(user).expect(401)).body).toEqual({ detail: 'Invalid token' });
      await me(second).expect(200);
    });
  });

  describe('session rows', () => {
    const sessionIdOf = (user: TestUser): string =>
      JSON.parse(Buffer.from(user.token.split('.')[1], 'base64url').toString()).sid;

    it('stop authenticating once expired, even with a token that has not', async () => {
      const user = await createUser(t);
      await t.db.query(
        `UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1`,
        [sessionIdOf(user)],
      );
      expect((await me(user).expect(401)).body).toEqual({ detail: 'Invalid token' });
    });
  });

  describe('PATCH /user/update', () => {
    const update = (token: string, data_update: object) =>
      t.http.patch('/user/update').send({ jwt_token: { token }, data_update });

    it('renames with the token in jwt_token, answering 201', async () => {
      const user = await createUser(t);
      const name = uniqueName('renamed');
      const response = await update(user.token, { name }).expect(201);
      expect(response.body).toEqual({ message: 'Data updated successfully' });
      expect((await me(user).expect(200)).body.name).toBe(name);
    });

    it('changes the password and ends every other session, keeping the current one', async () => {
      const user = await createUser(t);
      const other = await login(t, user.name, PASSWORD);
      await update(user.token, { password: 'a brand new password' }).expect(201);
      await me(user).expect(200);
      expect((await me(other).expect(401)).body).toEqual({ detail: 'Invalid token' });
      await t.http.post('/user/login').send({ name: user.name, password: PASSWORD }).expect(409);
      await login(t, user.name, 'a brand new password');
    });

    it('refuses a name taken by someone else with 409 and changes nothing', async () => {
      const taken = await createUser(t);
      const user = await createUser(t);
      const response = await update(user.token, {
        name: taken.name.toUpperCase(),
        password: 'another password',
      }).expect(409);
      expect(response.body).toEqual({ detail: 'Name is occupied' });
      expect((await me(user).expect(200)).body.name).toBe(user.name);
      await login(t, user.name, PASSWORD);
    });

    it('lets users change the case of their own name', async () => {
      const user = await createUser(t, uniqueName('lower'));
      await update(user.token, { name: user.name.toUpperCase() }).expect(201);
    });

    it('ignores a role in the update body', async () => {
      const user = await createUser(t);
      await update(user.token, { name: uniqueName(), role: 3 }).expect(201);
      expect((await me(user).expect(200)).body.role).toBe(1);
    });

    it.each([
      ['no data_update', undefined],
      ['an empty data_update', {}],
      ['a data_update that is a string', 'rename me'],
      ['a blank name', { name: '  ' }],
      ['a short password', { password: 'short' }],
      ['a numeric name', { name: 5 }],
    ])('answers 422 for %s and changes nothing', async (_case, data) => {
      const user = await createUser(t);
      await t.http
        .patch('/user/update')
        .send({
          jwt_token: { token: user.token },
          ...(data === undefined ? {} : { data_update: data }),
        })
        .expect(422);
      expect((await me(user).expect(200)).body.name).toBe(user.name);
    });

    it('answers 401 without a token', async () => {
      await t.http
        .patch('/user/update')
        .send({ data_update: { name: 'x' } })
        .expect(401);
    });
  });

  describe('DELETE /user/delete', () => {
    it('deletes the account, ends every session and refuses its login', async () => {
      const user = await createUser(t);
      const other = await login(t, user.name, PASSWORD);
      const response = await t.http.delete('/user/delete').send({ token: user.token }).expect(201);
      expect(response.body).toEqual({ message: 'User deleted successfully' });

      for (const session of [user, other]) {
        expect((await me(session).expect(401)).body).toEqual({ detail: 'Invalid token' });
      }
      const refused = await t.http
        .post('/user/login')
        .send({ name: user.name, password: PASSWORD })
        .expect(409);
      expect(refused.body).toEqual({ detail: 'Invalid credentials' });

      const all = await t.http.get('/user/all').expect(200);
      expect(all.body).toContainEqual({
        id: user.id,
        name: `Deleted #${user.id}`,
        role: 1,
        user_avatar: '/static/avatars/deleted.webp',
      });
    });

    it('frees the name for a new account', async () => {
      const user = await createUser(t);
      await t.http
        .delete('/user/delete')
        .set(...bearer(user))
        .expect(201);
      const successor = await createUser(t, user.name);
      expect(successor.id).not.toBe(user.id);
    });

    it('answers 401 without a token', async () => {
      await t.http.delete('/user/delete').send({}).expect(401);
    });
  });

  describe('GET /user/all', () => {
    it('lists every user with id, name, role and avatar only', async () => {
      const user = await createUser(t);
      const response = await t.http.get('/user/all').expect(200);
      expect(response.body).toContainEqual({
        id: user.id,
        name: user.name,
        role: 1,
        user_avatar: expect.any(String),
      });
      for (const entry of response.body) {
        expect(Object.keys(entry).sort()).toEqual(['id', 'name', 'role', 'user_avatar']);
      }
    });

    it('pages by id with ?limit= and ?after_id=', async () => {
      for (let i = 0; i < 3; i++) await createUser(t);
      const everyone = (await t.http.get('/user/all').expect(200)).body as { id: number }[];
      const ids = everyone.map((user) => user.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));

      const first = await t.http.get('/user/all').query({ limit: 2 }).expect(200);
      expect(first.body).toEqual(everyone.slice(0, 2));
      const next = await t.http.get('/user/all').query({ limit: 2, after_id: ids[1] }).expect(200);
      expect(next.body).toEqual(everyone.slice(2, 4));
      const rest = await t.http.get('/user/all').query({ after_id: ids[0] }).expect(200);
      expect(rest.body).toEqual(everyone.slice(1));
      const past = await t.http
        .get('/user/all')
        .query({ after_id: ids[ids.length - 1] })
        .expect(200);
      expect(past.body).toEqual([]);
    });

    it.each([
      ['limit=0'],
      ['limit=501'],
      ['limit=-1'],
      ['limit=ten'],
      ['limit=1.5'],
      ['after_id=-1'],
      ['after_id=abc'],
      ['after_id=99999999999'],
      ['limit=1&limit=2'],
    ])('answers 422 for ?%s', async (query) => {
      const response = await t.http.get(`/user/all?${query}`).expect(422);
      expect(response.body.detail).toEqual(expect.any(Array));
    });
  });
});
