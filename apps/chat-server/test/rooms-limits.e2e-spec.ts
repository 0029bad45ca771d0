import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('room limits: ROOMS_CREATED_PER_HOUR and ROOMS_PER_USER', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ROOMS_CREATED_PER_HOUR: '3', ROOMS_PER_USER: '2' });
  });
  afterAll(() => t.close());

  const count = async (sql: string, parameters: unknown[]): Promise<number> =>
    (await t.db.query(sql, parameters))[0].n;
  const roomsCreatedBy = (user: TestUser) =>
    count(`SELECT count(*)::int AS n FROM rooms WHERE created_by = $1 AND kind <> 'direct'`, [
      user.id,
    ]);
  const membershipsOf = (user: TestUser) =>
    count('SELECT count(*)::int AS n FROM room_members WHERE user_id = $1', [user.id]);
  const create = (user: TestUser, kind = 'public') =>
    t.http
      .post('/api/v1/rooms')
      .set(...bearer(user))
      .send({ name: 'limited', kind });

  /** A public room made by a fresh user, for others to join. */
  async function someoneElsesRoom(): Promise<number> {
    return (await create(await createUser(t)).expect(201)).body.id;
  }

  it('answers 429 past ROOMS_CREATED_PER_HOUR, storing nothing', async () => {
    const user = await createUser(t);
    await create(user).expect(201);
    // Leaving keeps the creation counted, and ROOMS_PER_USER out of the way.
    const second = (await create(user, 'private').expect(201)).body.id;
    await t.http
      .post(`/api/v1/rooms/${second}/leave`)
      .set(...bearer(user))
      .expect(204);
    await create(user).expect(201);
    const refused = await create(user).expect(429);
    expect(refused.body.detail).toBe('You can create at most 3 rooms per hour; try again later');
    expect(await roomsCreatedBy(user)).toBe(3);
  });

  it('does not count rooms created over an hour ago', async () => {
    const user = await createUser(t);
    for (let i = 0; i < 3; i++) {
      const id = (await create(user).expect(201)).body.id;
      await t.http
        .post(`/api/v1/rooms/${id}/leave`)
        .set(...bearer(user))
        .expect(204);
    }
    await create(user).expect(429);
    await t.db.query(
      `UPDATE rooms SET created_at = now() - interval '61 minutes' WHERE created_by = $1`,
      [user.id],
    );
    await create(user).expect(201);
  });

  describe('past ROOMS_PER_USER (2 besides general) the answer is 409 and nothing changes', () => {
    let full: TestUser;
    let friend: TestUser;

    beforeAll(async () => {
      [full, friend] = [await createUser(t), await createUser(t)];
      await create(full).expect(201);
      await t.http
        .post('/api/v1/dms')
        .set(...bearer(full))
        .send({ user_id: friend.id })
        .expect(201);
      expect(await membershipsOf(full)).toBe(2);
    });

    it('on create', async () => {
      const response = await create(full).expect(409);
      expect(response.body.detail).toBe(
        'You are in too many rooms (at most 2 besides general); leave one first',
      );
      expect(await roomsCreatedBy(full)).toBe(1);
    });

    it('on join', async () => {
      const room = await someoneElsesRoom();
      await t.http
        .post(`/api/v1/rooms/${room}/join`)
        .set(...bearer(full))
        .expect(409);
      const [{ n }] = await t.db.query('SELECT last_seq::float8 AS n FROM rooms WHERE id = $1', [
        room,
      ]);
      expect(n).toBe(1);
    });

    it('on add, naming the added user', async () => {
      const owner = await createUser(t);
      const room = (await create(owner, 'private').expect(201)).body.id;
      const response = await t.http
        .post(`/api/v1/rooms/${room}/members`)
        .set(...bearer(owner))
        .send({ user_id: full.id })
        .expect(409);
      expect(response.body.detail).toBe(
        'That user is in too many rooms (at most 2 besides general)',
      );
      expect(await membershipsOf(full)).toBe(2);
    });

    it('on a new DM, either way, but not on one that exists', async () => {
      const other = await createUser(t);
      const before = await count('SELECT count(*)::int AS n FROM rooms', []);
      await t.http
        .post('/api/v1/dms')
        .set(...bearer(full))
        .send({ user_id: other.id })
        .expect(409);
      const response = await t.http
        .post('/api/v1/dms')
        .set(...bearer(other))
        .send({ user_id: full.id })
        .expect(409);
      expect(response.body.detail).toBe(
        'That user is in too many rooms (at most 2 besides general)',
      );
      expect(await count('SELECT count(*)::int AS n FROM rooms', [])).toBe(before);
      await t.http
        .post('/api/v1/dms')
        .set(...bearer(friend))
        .send({ user_id: full.id })
        .expect(200);
    });

    it('but the general room never counts', async () => {
      await t.http
        .post('/api/v1/rooms/1/join')
        .set(...bearer(full))
        .expect(200);
    });
  });
});
