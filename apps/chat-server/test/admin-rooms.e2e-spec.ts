import request from 'supertest';
import { ChatEvent, EventBus } from '@chat/events';
import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TEST_ADMIN, TestApp } from './support/test-app';

describe('rooms and memberships in the admin panel', () => {
  let t: TestApp;
  let panel: ReturnType<typeof request.agent>;
  let owner: TestUser;
  let member: TestUser;
  let privateRoom: number;
  let publicRoom: number;
  let dm: number;
  const published: ChatEvent[] = [];
  let unsubscribe: () => void;

  beforeAll(async () => {
    t = await startTestApp();
    unsubscribe = t.app.get(EventBus).subscribe((event) => published.push(event));
    panel = request.agent(t.baseUrl);
    await panel
      .post('/admin/login')
      .type('form')
      .send({ email: TEST_ADMIN.name, password: TEST_ADMIN.password })
      .expect(302);
    [owner, member] = [await createUser(t), await createUser(t)];
    const create = async (name: string, kind: string) =>
      (
        await t.http
          .post('/api/v1/rooms')
          .set(...bearer(owner))
          .send({ name, kind })
          .expect(201)
      ).body.id;
    privateRoom = await create('panel private', 'private');
    publicRoom = await create('panel public', 'public');
    for (const room of [privateRoom, publicRoom]) {
      await t.http
        .post(`/api/v1/rooms/${room}/members`)
        .set(...bearer(owner))
        .send({ user_id: member.id })
        .expect(201);
    }
    dm = (
      await t.http
        .post('/api/v1/dms')
        .set(...bearer(owner))
        .send({ user_id: member.id })
        .expect(201)
    ).body.id;
  });
  afterAll(async () => {
    unsubscribe();
    await t.close();
  });
  beforeEach(() => {
    published.length = 0;
  });

  const list = async (resource: string, query: string) =>
    (await panel.get(`/admin/api/resources/${resource}/actions/list?${query}`).expect(200)).body
      .records as { id: string; params: Record<string, unknown> }[];
  const membership = async (roomId: number, userId: number) =>
    (
      await t.db.query('SELECT role FROM room_members WHERE room_id = $1 AND user_id = $2', [
        roomId,
        userId,
      ])
    )[0];

  it('lists rooms, filtered by kind', async () => {
    const records = await list('Room', 'filters.kind=private&perPage=100');
    expect(records.map((r) => r.params.id)).toEqual([privateRoom]);
    const all = await list('Room', 'perPage=100');
    expect(all.map((r) => r.params.id)).toEqual(
      expect.arrayContaining([1, privateRoom, publicRoom, dm]),
    );
  });

  it('lists memberships by room, each record named room:user, and shows one', async () => {
    const records = await list('RoomMembership', `filters.roomId=${privateRoom}`);
    expect(records.map((r) => r.id).sort()).toEqual(
      [`${privateRoom}:${owner.id}`, `${privateRoom}:${member.id}`].sort(),
    );
    const byUser = await list('RoomMembership', `filters.userId=${member.id}&perPage=100`);
    expect(byUser.map((r) => r.params.roomId).sort()).toEqual(
      [privateRoom, publicRoom, dm].sort((a, b) => a - b),
    );
    const owners = await list('RoomMembership', `filters.roomId=${privateRoom}&filters.role=owner`);
    expect(owners.map((r) => r.params.userId)).toEqual([owner.id]);

    const shown = await panel
      .get(`/admin/api/resources/RoomMembership/records/${privateRoom}:${member.id}/show`)
      .expect(200);
    expect(shown.body.record.params).toMatchObject({
      roomId: privateRoom,
      userId: member.id,
      role: 'member',
    });
  });

  it('removes a member of a private room through the service: member.left "removed" goes out', async () => {
    const response = await panel
      .post(`/admin/api/resources/RoomMembership/records/${privateRoom}:${member.id}/delete`)
      .expect(200);
    expect(response.body.notice).toMatchObject({ type: 'success' });
    expect(await membership(privateRoom, member.id)).toBeUndefined();
    expect(published).toEqual([
      {
        type: 'member.left',
        roomId: privateRoom,
        seq: 3,
        userId: member.id,
        reason: 'removed',
      },
    ]);
    const [change] = await t.db.query(
      `SELECT type, payload FROM room_changes WHERE room_id = $1 AND seq = 3`,
      [privateRoom],
    );
    expect(change).toEqual({
      type: 'member.left',
      payload: { userId: member.id, reason: 'removed' },
    });
  });

  it('refuses to remove anyone from a DM, saying why and changing nothing', async () => {
    const response = await panel
      .post(`/admin/api/resources/RoomMembership/records/${dm}:${member.id}/delete`)
      .expect(200);
    expect(response.body.notice).toEqual({
      message: 'Nobody can be removed from a direct conversation',
      type: 'error',
    });
    expect(await membership(dm, member.id)).toEqual({ role: 'member' });
    expect(published).toEqual([]);
  });

  it('archives a room through the service: room.updated with archived true goes out', async () => {
    const response = await panel
      .post(`/admin/api/resources/Room/records/${publicRoom}/delete`)
      .expect(200);
    expect(response.body.notice).toMatchObject({ type: 'success' });
    const [row] = await t.db.query('SELECT archived_at FROM rooms WHERE id = $1', [publicRoom]);
    expect(row.archived_at).not.toBeNull();
    expect(published).toEqual([
      {
        type: 'room.updated',
        roomId: publicRoom,
        seq: 3,
        room: expect.objectContaining({ id: publicRoom, archived: true, last_seq: 3 }),
      },
    ]);
  });

  it('never archives the general room', async () => {
    const response = await panel.post('/admin/api/resources/Room/records/1/delete').expect(200);
    expect(response.body.notice).toEqual({
      message: 'The general room cannot be archived',
      type: 'error',
    });
    const [row] = await t.db.query('SELECT archived_at FROM rooms WHERE id = 1');
    expect(row.archived_at).toBeNull();
  });
});
