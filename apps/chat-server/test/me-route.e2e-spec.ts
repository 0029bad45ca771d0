import { bearer, createUser, login, PASSWORD, uniqueName } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('/api/v1/me', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const patch = (token: string, body: object) =>
    t.http.patch('/api/v1/me').set('Authorization', `Bearer ${token}`).send(body);

  it('GET answers the profile', async () => {
    const user = await createUser(t);
    const response = await t.http
      .get('/api/v1/me')
      .set(...bearer(user))
      .expect(200);
    expect(response.body).toEqual({
      user_id: user.id,
      name: user.name,
      role: 1,
      user_avatar: expect.any(String),
    });
  });

  it('renames without the current password, answering 200 with the profile', async () => {
    const user = await createUser(t);
    const name = uniqueName('renamed');
    const response = await patch(user.token, { name }).expect(200);
    expect(response.body).toEqual({
      user_id: user.id,
      name,
      role: 1,
      user_avatar: expect.any(String),
    });
  });

  it('changes the password with the current one, ending every other session', async () => {
    const user = await createUser(t);
    const other = await login(t, user.name, PASSWORD);
    const response = await patch(user.token, {
      password: 'a brand new password',
      current_password: PASSWORD,
    }).expect(200);
    expect(response.body.user_id).toBe(user.id);
    await t.http
      .get('/api/v1/me')
      .set(...bearer(user))
      .expect(200);
    await t.http
      .get('/api/v1/me')
      .set(...bearer(other))
      .expect(401);
    await login(t, user.name, 'a brand new password');
  });

  it('answers 422 for a new password without current_password, changing nothing', async () => {
    const user = await createUser(t);
    const name = uniqueName('unchanged');
    const response = await patch(user.token, { name, password: 'a brand new password' }).expect(
      422,
    );
    expect(response.body.detail).toContainEqual({
      field: 'current_password',
      message: 'current_password is required to change the password',
    });
    await login(t, user.name, PASSWORD);
  });

  it.each([
    ['a wrong current password', 'not my password'],
    ['the current password plus bytes past 72', PASSWORD + 'x'.repeat(80)],
    ['the current password plus a NUL', `${PASSWORD}\u0000x`],
  ])('answers 409 Invalid credentials for %s, changing nothing', async (_case, current) => {
    const user = await createUser(t);
    const response = await patch(user.token, {
      name: uniqueName('unchanged'),
      password: 'a brand new password',
      current_password: current,
    }).expect(409);
    expect(response.body).toEqual({ detail: 'Invalid credentials' });
    const me = await t.http
      .get('/api/v1/me')
      .set(...bearer(user))
      .expect(200);
    expect(me.body.name).toBe(user.name);
    await login(t, user.name, PASSWORD);
  });

  it.each([
    ['nothing to change', {}],
    ['a short password', { password: 'short', current_password: PASSWORD }],
    ['a blank name', { name: '  ' }],
    ['a null name', { name: null }],
    ['a numeric current_password', { password: 'a brand new password', current_password: 5 }],
  ])('answers 422 for %s', async (_case, body) => {
    const user = await createUser(t);
    await patch(user.token, body).expect(422);
    await login(t, user.name, PASSWORD);
  });

  it('answers 409 Name is occupied for a taken name', async () => {
    const taken = await createUser(t);
    const user = await createUser(t);
    const response = await patch(user.token, { name: taken.name.toUpperCase() }).expect(409);
    expect(response.body).toEqual({ detail: 'Name is occupied' });
  });

  it('takes the token from the Authorization header only', async () => {
    const user = await createUser(t);
    const name = uniqueName('nope');
    await t.http.get('/api/v1/me').query({ token: user.token }).expect(401);
    await t.http.patch('/api/v1/me').send({ token: user.token, name }).expect(401);
    await t.http
      .patch('/api/v1/me')
      .send({ jwt_token: { token: user.token }, name })
      .expect(401);
    const response = await t.http
      .get('/api/v1/me')
      .set('Authorization', `Basic ${user.token}`)
      .expect(401);
    expect(response.body).toEqual({ detail: 'Not authenticated' });
  });
});

describe('profile changes per user (PROFILE_UPDATE_RATE_LIMIT)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ PROFILE_UPDATE_RATE_LIMIT: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the limit, counting both routes, for that user only', async () => {
    const user = await createUser(t);
    const compat = () =>
      t.http
        .patch('/user/update')
        .send({ jwt_token: { token: user.token }, data_update: { name: uniqueName() } });
    const bearerRoute = () =>
      t.http
        .patch('/api/v1/me')
        .set(...bearer(user))
        .send({ name: uniqueName() });
    await compat().expect(201);
    await bearerRoute().expect(200);
    await compat().expect(201);
    const refused = await bearerRoute().expect(429);
    expect(refused.body).toEqual({ detail: 'Too many requests' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    const refusedCompat = await compat().expect(429);
    expect(Number(refusedCompat.headers['retry-after'])).toBeGreaterThan(0);

    const other = await createUser(t);
    await t.http
      .patch('/api/v1/me')
      .set(...bearer(other))
      .send({ name: uniqueName() })
      .expect(200);
    // Reading is not a change.
    await t.http
      .get('/api/v1/me')
      .set(...bearer(user))
      .expect(200);
  });

  it('does not count logins or sign-ups against it', async () => {
    for (let i = 0; i < 4; i++) await createUser(t);
  });
});
