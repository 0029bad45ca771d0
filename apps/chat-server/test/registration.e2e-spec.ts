import {
  bearer,
  createUser,
  createUserWithRole,
  login,
  loginAdmin,
  PASSWORD,
  uniqueName,
} from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('registration', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const countUsers = async () => Number((await t.db.query('SELECT count(*) FROM users'))[0].count);

  describe('POST /auth/register-user', () => {
    it('registers a user with role 1 and a default avatar', async () => {
      const name = uniqueName();
      const response = await t.http
        .post('/auth/register-user')
        .send({ name, password: PASSWORD })
        .expect(201);
      expect(response.body).toEqual({ message: 'User registered successfully' });

      const user = await login(t, name, PASSWORD);
      const me = await t.http
        .get('/user/me')
        .set(...bearer(user))
        .expect(200);
      expect(me.body).toEqual({
        user_id: user.id,
        name,
        role: 1,
        user_avatar: expect.stringMatching(/^\/static\/avatars\/default\/(0[1-9]|1\d|20)\.webp$/),
      });
    });

    it('accepts an explicit role 1 and trims the name', async () => {
      const name = uniqueName();
      await t.http
        .post('/auth/register-user')
        .send({ name: `  ${name}  `, password: PASSWORD, role: 1 })
        .expect(201);
      await login(t, name, PASSWORD);
    });

    it('refuses a taken name, whatever its case, with 409', async () => {
      const name = uniqueName('Taken');
      await createUser(t, name);
      for (const variant of [name, name.toLowerCase(), name.toUpperCase()]) {
        const response = await t.http
          .post('/auth/register-user')
          .send({ name: variant, password: PASSWORD })
          .expect(409);
        expect(response.body).toEqual({ detail: 'Name is occupied' });
      }
    });

    it('refuses a Unicode name that differs only in case', async () => {
      await createUser(t, 'Ёжик Ünïcode');
      const response = await t.http
        .post('/auth/register-user')
        .send({ name: 'ёЖИК üNÏCODE', password: PASSWORD })
        .expect(409);
      expect(response.body).toEqual({ detail: 'Name is occupied' });
    });

    it.each([2, 3, 0, 7])(
      'refuses role %p with 409 Invalid role and stores nothing',
      async (role) => {
        const before = await countUsers();
        const response = await t.http
          .post('/auth/register-user')
          .send({ name: uniqueName(), password: PASSWORD, role })
          .expect(409);
        expect(response.body).toEqual({ detail: 'Invalid role' });
        expect(await countUsers()).toBe(before);
      },
    );

    const invalidBodies: [string, unknown, string][] = [
      ['no body fields', {}, 'name'],
      ['a missing password', { name: 'someone' }, 'password'],
      ['a numeric name', { name: 42, password: PASSWORD }, 'name'],
      ['a null name', { name: null, password: PASSWORD }, 'name'],
      ['an array name', { name: ['a'], password: PASSWORD }, 'name'],
      ['a whitespace-only name', { name: '   \t ', password: PASSWORD }, 'name'],
      ['a 101-character name', { name: 'n'.repeat(101), password: PASSWORD }, 'name'],
      ['a 60,000-character name', { name: 'n'.repeat(60_000), password: PASSWORD }, 'name'],
      ['a name with a newline', { name: 'evil\nname', password: PASSWORD }, 'name'],
      ['a reserved name', { name: 'Deleted #12', password: PASSWORD }, 'name'],
      ['a 7-byte password', { name: 'someone', password: 'short77' }, 'password'],
      ['a 73-byte password', { name: 'someone', password: 'p'.repeat(73) }, 'password'],
      [
        'a 73-byte Unicode password',
        { name: 'someone', password: 'é'.repeat(36) + 'x' },
        'password',
      ],
      ['a blank password', { name: 'someone', password: '          ' }, 'password'],
      ['a password with a NUL', { name: 'someone', password: 'password\u0000tail' }, 'password'],
      ['a numeric password', { name: 'someone', password: 12345678 }, 'password'],
      ['a string role', { name: 'someone', password: PASSWORD, role: '1' }, 'role'],
      ['a fractional role', { name: 'someone', password: PASSWORD, role: 1.5 }, 'role'],
    ];

    it.each(invalidBodies)('answers 422 for %s and stores nothing', async (_case, body, field) => {
      const before = await countUsers();
      const response = await t.http
        .post('/auth/register-user')
        .send(body as object)
        .expect(422);
      expect(response.body.detail).toEqual(
        expect.arrayContaining([{ field, message: expect.any(String) }]),
      );
      expect(await countUsers()).toBe(before);
    });

    it('answers 422 for a body that is not JSON', async () => {
      const response = await t.http
        .post('/auth/register-user')
        .set('Content-Type', 'application/json')
        .send('{"name": "x",')
        .expect(422);
      expect(response.body).toEqual({
        detail: [{ field: 'body', message: 'body must be valid JSON' }],
      });
    });

    it('accepts 100-character names and 72-byte passwords, counting characters and bytes', async () => {
      const name = '名'.repeat(100);
      const password = 'é'.repeat(36);
      await t.http.post('/auth/register-user').send({ name, password }).expect(201);
      await login(t, name, password);
    });
  });

  describe('POST /auth/register-admin', () => {
    it('lets an admin create a moderator and an admin', async () => {
      const admin = await loginAdmin(t);
      const moderator = await createUserWithRole(t, admin, 2);
      const secondAdmin = await createUserWithRole(t, admin, 3);
      const me = await t.http
        .get('/user/me')
        .set(...bearer(moderator))
        .expect(200);
      expect(me.body.role).toBe(2);
      const other = await t.http
        .get('/user/me')
        .set(...bearer(secondAdmin))
        .expect(200);
      expect(other.body.role).toBe(3);
    });

    it('takes the admin token from the body for the original client', async () => {
      const admin = await loginAdmin(t);
      await t.http
        .post('/auth/register-admin')
        .send({ name: uniqueName(), password: PASSWORD, role: 2, token: admin.token })
        .expect(201);
    });

    it('answers 401 without a token and stores nothing', async () => {
      const before = await countUsers();
      const response = await t.http
        .post('/auth/register-admin')
        .send({ name: uniqueName(), password: PASSWORD, role: 3 })
        .expect(401);
      expect(response.body).toEqual({ detail: 'Not authenticated' });
      expect(await countUsers()).toBe(before);
    });

    it('answers 403 to users and moderators and stores nothing', async () => {
      const admin = await loginAdmin(t);
      const callers = [await createUser(t), await createUserWithRole(t, admin, 2)];
      for (const caller of callers) {
        const before = await countUsers();
        await t.http
          .post('/auth/register-admin')
          .set(...bearer(caller))
          .send({ name: uniqueName(), password: PASSWORD, role: 3 })
          .expect(403);
        expect(await countUsers()).toBe(before);
      }
    });

    it.each([0, 4, -1])('refuses role %p with 409 Invalid role', async (role) => {
      const admin = await loginAdmin(t);
      const response = await t.http
        .post('/auth/register-admin')
        .set(...bearer(admin))
        .send({ name: uniqueName(), password: PASSWORD, role })
        .expect(409);
      expect(response.body).toEqual({ detail: 'Invalid role' });
    });

    it('answers 422 for a missing role', async () => {
      const admin = await loginAdmin(t);
      await t.http
        .post('/auth/register-admin')
        .set(...bearer(admin))
        .send({ name: uniqueName(), password: PASSWORD })
        .expect(422);
    });
  });
});
