import { ChatEvent, EventBus } from '@chat/events';
import { bearer, createUser, createUserWithRole, loginAdmin, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('room memberships over HTTP: join, leave, list, add, remove', () => {
  let t: TestApp;
  let owner: TestUser;
  let member: TestUser;
  let outsider: TestUser;
  let moderator: TestUser;
  const published: ChatEvent[] = [];
  let unsubscribe: () => void;

  beforeAll(async () => {
    t = await startTestApp({ ROOMS_CREATED_PER_HOUR: '1000' });
    unsubscribe = t.app.get(EventBus).subscribe((event) => published.push(event));
    [owner, member, outsider] = [await createUser(t), await createUser(t), await createUser(t)];
    moderator = await createUserWithRole(t, await loginAdmin(t), 2);
  });
  afterAll(async () => {
    unsubscribe();
    await t.close();
  });
  beforeEach(() => {
    published.length = 0;
  });

  const lastSeq = async (roomId: number): Promise<number> =>
    (await t.db.query('SELECT last_seq::float8 AS n FROM rooms WHERE id = $1', [roomId]))[0].n;
  const changes = (roomId: number) =>
    t.db.query(
      'SELECT seq::float8 AS seq, type, payload FROM room_changes WHERE room_id = $1 ORDER BY seq',
      [roomId],
    );
  const roles = (roomId: number) =>
    t.db.query('SELECT user_id, role FROM room_members WHERE room_id = $1 ORDER BY user_id', [
      roomId,
    ]);

  async function createRoom(user: TestUser, kind = 'public'): Promise<number> {
    const response = await t.http
      .post('/api/v1/rooms')
      .set(...bearer(user))
      .send({ name: `${kind} room`, kind })
      .expect(201);
    return response.body.id;
  }

  const join = (roomId: number, user: TestUser) =>
    t.http.post(`/api/v1/rooms/${roomId}/join`).set(...bearer(user));
  const leave = (roomId: number, user: TestUser) =>
    t.http.post(`/api/v1/rooms/${roomId}/leave`).set(...bearer(user));
  const add = (roomId: number, by: TestUser, userId: unknown) =>
    t.http
      .post(`/api/v1/rooms/${roomId}/members`)
      .set(...bearer(by))
      .send({ user_id: userId });
  const remove = (roomId: number, by: TestUser, userId: number) =>
    t.http.delete(`/api/v1/rooms/${roomId}/members/${userId}`).set(...bearer(by));
  const members = (roomId: number, by: TestUser, query = '') =>
    t.http.get(`/api/v1/rooms/${roomId}/members${query}`).set(...bearer(by));

  describe('join', () => {
    it('joins a public room once: 201 and member.joined, then 200 and nothing new', async () => {
      const room = await createRoom(owner);
      published.length = 0;
      const first = await join(room, member).expect(201);
      expect(first.body).toMatchObject({ id: room, room_role: 'member', member_count: 2 });
      expect(await lastSeq(room)).toBe(2);
      const [, change] = await changes(room);
      expect(change).toEqual({
        seq: 2,
        type: 'member.joined',
        payload: {
          member: {
            user_id: member.id,
            name: member.name,
            role: 1,
            user_avatar: expect.any(String),
            room_role: 'member',
          },
          room: expect.objectContaining({ id: room, member_count: 2, last_seq: 2 }),
        },
      });
      expect(published).toEqual([
        { type: 'member.joined', roomId: room, seq: 2, ...change.payload },
      ]);

      const again = await join(room, member).expect(200);
      expect(again.body).toMatchObject({ id: room, room_role: 'member', last_seq: 2 });
      expect(await lastSeq(room)).toBe(2);
      expect(published).toHaveLength(1);
    });

    it('answers 200 in the general room, which everyone is in, numbering nothing', async () => {
      const before = await lastSeq(1);
      const response = await join(1, outsider).expect(200);
      expect(response.body).toMatchObject({ id: 1, room_role: 'member' });
      expect(await lastSeq(1)).toBe(before);
    });

    it('does not let anyone into a private room: it is not found', async () => {
      const room = await createRoom(owner, 'private');
      const response = await join(room, outsider).expect(404);
      expect(response.body.detail).toBe('Room not found');
      expect(await roles(room)).toEqual([{ user_id: owner.id, role: 'owner' }]);
    });
  });

  describe('leave', () => {
    it('leaves with 204 and member.left "left"', async () => {
      const room = await createRoom(owner);
      await join(room, member).expect(201);
      published.length = 0;
      await leave(room, member).expect(204);
      expect(await lastSeq(room)).toBe(3);
      expect((await changes(room))[2]).toEqual({
        seq: 3,
        type: 'member.left',
        payload: { userId: member.id, reason: 'left' },
      });
      expect(published).toEqual([
        { type: 'member.left', roomId: room, seq: 3, userId: member.id, reason: 'left' },
      ]);
      const view = await t.http
        .get(`/api/v1/rooms/${room}`)
        .set(...bearer(member))
        .expect(200);
      expect(view.body).toMatchObject({ room_role: null, member_count: 1 });
    });

    it('refuses to leave the general room, or a room you are not in, with 409', async () => {
      const general = await leave(1, member).expect(409);
      expect(general.body.detail).toBe('Everyone is in the general room; it cannot be left');
      const room = await createRoom(owner);
      const notIn = await leave(room, outsider).expect(409);
      expect(notIn.body.detail).toBe('You are not a member of this room');
      expect(await lastSeq(room)).toBe(1);
    });

    it('hands a private room to its longest-standing member when the last owner leaves', async () => {
      const room = await createRoom(owner, 'private');
      await add(room, owner, member.id).expect(201);
      await add(room, owner, outsider.id).expect(201);
      await leave(room, owner).expect(204);
      expect(await roles(room)).toEqual(
        [
          { user_id: member.id, role: 'owner' },
          { user_id: outsider.id, role: 'member' },
        ].sort((a, b) => a.user_id - b.user_id),
      );
      // The former owner is now an outsider of a private room: it does not exist for them.
      await t.http
        .get(`/api/v1/rooms/${room}`)
        .set(...bearer(owner))
        .expect(404);
    });
  });

  describe('members', () => {
    it('lists a public room to anyone, in user id order, a page at a time', async () => {
      const room = await createRoom(owner);
      await join(room, member).expect(201);
      await join(room, moderator).expect(201);
      const all = await members(room, outsider).expect(200);
      const ids = [owner.id, member.id, moderator.id].sort((a, b) => a - b);
      expect(all.body.map((m: { user_id: number }) => m.user_id)).toEqual(ids);
      expect(all.body.find((m: { user_id: number }) => m.user_id === owner.id)).toEqual({
        user_id: owner.id,
        name: owner.name,
        role: 1,
        user_avatar: expect.any(String),
        room_role: 'owner',
      });
      const page = await members(room, outsider, `?after_id=${ids[0]}&limit=1`).expect(200);
      expect(page.body.map((m: { user_id: number }) => m.user_id)).toEqual([ids[1]]);
      for (const query of ['?limit=0', '?limit=501', '?after_id=-1', '?after_id=x']) {
        await members(room, outsider, query).expect(422);
      }
    });

    it('lists every live account as a member of the general room', async () => {
      const response = await members(1, outsider, '?limit=500').expect(200);
      const [{ n }] = await t.db.query(
        'SELECT count(*)::int AS n FROM users WHERE deleted_at IS NULL',
      );
      expect(response.body).toHaveLength(n);
      expect(new Set(response.body.map((m: { room_role: string }) => m.room_role))).toEqual(
        new Set(['member']),
      );
    });

    it('leaves out deleted accounts', async () => {
      const room = await createRoom(owner);
      const leaving = await createUser(t);
      await join(room, leaving).expect(201);
      await t.http
        .delete('/user/delete')
        .set(...bearer(leaving))
        .expect(201);
      const response = await members(room, owner).expect(200);
      expect(response.body.map((m: { user_id: number }) => m.user_id)).toEqual([owner.id]);
      const view = await t.http
        .get(`/api/v1/rooms/${room}`)
        .set(...bearer(owner))
        .expect(200);
      expect(view.body.member_count).toBe(1);
    });
  });

  describe('add', () => {
    it("is the owner's in a private room: 201 and member.joined, then 200 and nothing new", async () => {
      const room = await createRoom(owner, 'private');
      const added = await add(room, owner, member.id).expect(201);
      expect(added.body).toEqual({
        user_id: member.id,
        name: member.name,
        role: 1,
        user_avatar: expect.any(String),
        room_role: 'member',
      });
      expect(await lastSeq(room)).toBe(2);
      expect(published.map((e) => e.type)).toEqual(['member.joined', 'member.joined']);
      const again = await add(room, owner, member.id).expect(200);
      expect(again.body).toEqual(added.body);
      expect(await lastSeq(room)).toBe(2);

      // A plain member of a private room may not add anyone.
      const refused = await add(room, member, outsider.id).expect(403);
      expect(refused.body.detail).toBe('Only the room owner can add members');
      expect(await lastSeq(room)).toBe(2);
    });

    it("is any member's in a public room, or a moderator's; others must join first", async () => {
      const room = await createRoom(owner);
      await join(room, member).expect(201);
      await add(room, member, outsider.id).expect(201);
      const stranger = await createUser(t);
      const refused = await add(room, stranger, (await createUser(t)).id).expect(403);
      expect(refused.body.detail).toBe('Join the room first');
      await add(room, moderator, stranger.id).expect(201);
    });

    it('answers 404 "User not found" for an unknown or deleted user, storing nothing', async () => {
      const room = await createRoom(owner, 'private');
      const gone = await createUser(t);
      await t.http
        .delete('/user/delete')
        .set(...bearer(gone))
        .expect(201);
      for (const userId of [gone.id, 2_147_483_647]) {
        const response = await add(room, owner, userId).expect(404);
        expect(response.body.detail).toBe('User not found');
      }
      expect(await lastSeq(room)).toBe(1);
      const general = await add(1, owner, gone.id).expect(404);
      expect(general.body.detail).toBe('User not found');
    });

    it('answers 200 for anyone in the general room', async () => {
      const response = await add(1, member, outsider.id).expect(200);
      expect(response.body).toMatchObject({ user_id: outsider.id, room_role: 'member' });
    });

    it.each([[0], [-1], ['7'], [1.5], [2 ** 31], [null]])(
      'refuses user_id %j with 422',
      async (userId) => {
        const room = await createRoom(owner);
        const response = await add(room, owner, userId).expect(422);
        expect(response.body.detail[0].field).toBe('user_id');
      },
    );
  });

  describe('remove', () => {
    it('is the owner\'s: 204 and member.left "removed"; the removed member loses the room', async () => {
      const room = await createRoom(owner, 'private');
      await add(room, owner, member.id).expect(201);
      published.length = 0;
      await remove(room, owner, member.id).expect(204);
      expect((await changes(room))[2]).toEqual({
        seq: 3,
        type: 'member.left',
        payload: { userId: member.id, reason: 'removed' },
      });
      expect(published).toEqual([
        { type: 'member.left', roomId: room, seq: 3, userId: member.id, reason: 'removed' },
      ]);
      await t.http
        .get(`/api/v1/rooms/${room}`)
        .set(...bearer(member))
        .expect(404);
      const again = await remove(room, owner, member.id).expect(404);
      expect(again.body.detail).toBe('Member not found');
    });

    it('refuses plain members with 403', async () => {
      const room = await createRoom(owner);
      await join(room, member).expect(201);
      await join(room, outsider).expect(201);
      const response = await remove(room, member, outsider.id).expect(403);
      expect(response.body.detail).toBe('Only the room owner can remove members');
      expect(await lastSeq(room)).toBe(3);
    });

    it('lets a moderator remove from a public room, even its owner, who is then replaced', async () => {
      const room = await createRoom(owner);
      await join(room, member).expect(201);
      await remove(room, moderator, owner.id).expect(204);
      expect(await roles(room)).toEqual([{ user_id: member.id, role: 'owner' }]);
    });

    it('treats removing yourself as leaving', async () => {
      const room = await createRoom(owner);
      await join(room, member).expect(201);
      await remove(room, member, member.id).expect(204);
      expect((await changes(room))[2].payload).toEqual({ userId: member.id, reason: 'left' });
    });

    it('never removes anyone from the general room', async () => {
      await remove(1, member, outsider.id).expect(403);
      const response = await remove(1, moderator, outsider.id).expect(409);
      expect(response.body.detail).toBe('Nobody can be removed from the general room');
    });

    it('still lets the owner remove members of an archived room', async () => {
      const room = await createRoom(owner);
      await join(room, member).expect(201);
      await t.http
        .delete(`/api/v1/rooms/${room}`)
        .set(...bearer(owner))
        .expect(200);
      await remove(room, owner, member.id).expect(204);
      expect(await roles(room)).toEqual([{ user_id: owner.id, role: 'owner' }]);
    });
  });
});
