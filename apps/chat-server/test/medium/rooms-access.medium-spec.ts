import { AuthUser } from '@chat/auth';
import { PreparedStatements } from '@chat/database';
import { ConflictError, NotFoundError, PermissionError } from '@chat/errors';
import { MemberJoinedEvent } from '@chat/events';
import { Role } from '@chat/roles';
import {
  DirectRoomsService,
  GENERAL_ROOM_ID,
  RoomAccess,
  RoomMembershipsService,
  RoomsModule,
  RoomsService,
} from '@chat/rooms';
import { UsersModule, UsersService } from '@chat/users';
import { genericPlans, rowsRead } from './support/generic-plans';
import { createMediumModule, MediumModule, uniqueName } from './support/medium-module';

const PASSWORD = 'correct horse';

describe('RoomAccess on PostgreSQL', () => {
  let m: MediumModule;
  let access: RoomAccess;
  let rooms: RoomsService;
  let memberships: RoomMembershipsService;
  let directRooms: DirectRoomsService;
  let owner: AuthUser;
  let member: AuthUser;
  let outsider: AuthUser;
  let moderator: AuthUser;
  let publicRoom: number;
  let privateRoom: number;
  let directRoom: number;
  let archivedRoom: number;

  async function user(role = Role.User): Promise<AuthUser> {
    const created = await m.get(UsersService).create(uniqueName(), PASSWORD, role);
    return { id: created.id, role, sessionId: 'not checked here' };
  }

  beforeAll(async () => {
    m = await createMediumModule([UsersModule, RoomsModule]);
    access = m.get(RoomAccess);
    rooms = m.get(RoomsService);
    memberships = m.get(RoomMembershipsService);
    directRooms = m.get(DirectRoomsService);
    [owner, member, outsider, moderator] = [
      await user(),
      await user(),
      await user(),
      await user(Role.Moderator),
    ];
    publicRoom = (await rooms.create(owner, { name: 'lobby', kind: 'public' })).id;
    privateRoom = (await rooms.create(owner, { name: 'secret', kind: 'private' })).id;
    await memberships.add(owner, privateRoom, member.id);
    directRoom = (await directRooms.open(owner, member.id)).value.id;
    archivedRoom = (await rooms.create(owner, { name: 'old', kind: 'private' })).id;
    await rooms.archive(owner, archivedRoom);
  });
  afterAll(() => m.close());

  const notFound = new NotFoundError('Room not found');

  describe('visible', () => {
    it('shows a public room to anyone, with their room role or none', async () => {
      expect(await access.visible(outsider, publicRoom)).toEqual({
        roomId: publicRoom,
        kind: 'public',
        archived: false,
        roomRole: null,
      });
      expect((await access.visible(owner, publicRoom)).roomRole).toBe('owner');
    });

    it('shows private rooms and DMs to members only; to anyone else they do not exist', async () => {
      expect(await access.visible(member, privateRoom)).toMatchObject({ roomRole: 'member' });
      expect(await access.visible(member, directRoom)).toMatchObject({
        kind: 'direct',
        roomRole: 'member',
      });
      for (const caller of [outsider, moderator]) {
        await expect(access.visible(caller, privateRoom)).rejects.toThrow(notFound);
        await expect(access.visible(caller, directRoom)).rejects.toThrow(notFound);
      }
    });

    it('puts everyone in the general room', async () => {
      for (const caller of [owner, outsider, moderator]) {
        expect(await access.visible(caller, GENERAL_ROOM_ID)).toEqual({
          roomId: GENERAL_ROOM_ID,
          kind: 'public',
          archived: false,
          roomRole: 'member',
        });
      }
    });

    it('says an archived room is archived', async () => {
      expect(await access.visible(owner, archivedRoom)).toMatchObject({
        archived: true,
        roomRole: 'owner',
      });
    });

    it('finds no room for ids that are not rooms, without asking PostgreSQL to hold them', async () => {
      for (const id of [0, -1, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER, NaN, 999_999]) {
        await expect(access.visible(owner, id)).rejects.toThrow(notFound);
      }
    });
  });

  describe('member and writable', () => {
    it('asks a public room outsider to join first', async () => {
      await expect(access.member(outsider, publicRoom)).rejects.toThrow(
        new PermissionError('Join the room first'),
      );
      await expect(access.member(outsider, privateRoom)).rejects.toThrow(notFound);
      expect(await access.member(owner, publicRoom)).toMatchObject({ roomRole: 'owner' });
    });

    it('lets members read an archived room but not write to it', async () => {
      expect(await access.member(owner, archivedRoom)).toMatchObject({ archived: true });
      await expect(access.writable(owner, archivedRoom)).rejects.toThrow(
        new PermissionError('The room is archived'),
      );
      expect(await access.writable(member, directRoom)).toMatchObject({ kind: 'direct' });
      expect(await access.writable(outsider, GENERAL_ROOM_ID)).toMatchObject({
        roomRole: 'member',
      });
    });
  });

  describe('actsAsOwner', () => {
    it('is the owner, or a site moderator or admin in a public room only', async () => {
      expect(access.actsAsOwner(owner, await access.visible(owner, privateRoom))).toBe(true);
      expect(access.actsAsOwner(member, await access.visible(member, privateRoom))).toBe(false);
      expect(access.actsAsOwner(moderator, await access.visible(moderator, publicRoom))).toBe(true);
      expect(access.actsAsOwner(outsider, await access.visible(outsider, publicRoom))).toBe(false);
      // A moderator or admin who is a plain member of a private room or DM is just a member.
      const admin = { ...member, role: Role.Admin };
      expect(access.actsAsOwner(admin, await access.visible(admin, privateRoom))).toBe(false);
      expect(access.actsAsOwner(admin, await access.visible(admin, directRoom))).toBe(false);
    });
  });

  describe('roomsOf', () => {
    it('lists the general room first, then every room the user is in, archived too', async () => {
      const numbers = async (ids: number[]) =>
        (
          await m.db.query(
            'SELECT id AS room_id, last_seq::float8 AS last_seq FROM rooms WHERE id = ANY($1) ORDER BY id',
            [ids],
          )
        ).map((row: { room_id: number; last_seq: number }) => row);
      expect(await access.roomsOf(owner.id)).toEqual(
        await numbers([GENERAL_ROOM_ID, publicRoom, privateRoom, directRoom, archivedRoom]),
      );
      expect(await access.roomsOf(member.id)).toEqual(
        await numbers([GENERAL_ROOM_ID, privateRoom, directRoom]),
      );
      expect(await access.roomsOf(outsider.id)).toEqual(await numbers([GENERAL_ROOM_ID]));
    });

    it('reads the users asked for in one turn in one statement, each their own rooms', async () => {
      // Each read on its own (one statement each), to compare the batch's answers with.
      const alone = [];
      for (const u of [owner, member, outsider, owner]) alone.push(await access.roomsOf(u.id));
      expect(new Set(alone.map((rooms) => JSON.stringify(rooms))).size).toBe(3);
      const statements = jest.spyOn(m.get(PreparedStatements), 'query');
      try {
        const together = await Promise.all(
          [owner, member, outsider, owner].map((u) => access.roomsOf(u.id)),
        );
        expect(together).toEqual(alone);
        expect(statements).toHaveBeenCalledTimes(1);
      } finally {
        statements.mockRestore();
      }
    });

    it('drops a room the user left', async () => {
      const room = (await rooms.create(outsider, { name: 'brief', kind: 'public' })).id;
      expect((await access.roomsOf(outsider.id)).map((r) => r.room_id)).toContain(room);
      await memberships.leave(outsider, room);
      expect((await access.roomsOf(outsider.id)).map((r) => r.room_id)).not.toContain(room);
    });
  });

  it("counts a room's members by their accounts alone, however many users there are", async () => {
    // Accounts the planner has no statistics of: the test's rows are never analyzed.
    await m.db.query(
      `INSERT INTO users (name, avatar)
       SELECT $1 || n, 'a.png' FROM generate_series(1, 3000) n`,
      [uniqueName()],
    );
    const room = (await rooms.create(owner, { name: 'counted', kind: 'private' })).id;
    const deleted = await user();
    for (const u of [member, deleted]) await memberships.add(owner, room, u.id);
    await m.db.query('UPDATE users SET deleted_at = now() WHERE id = $1', [deleted.id]);
    expect(await access.memberCounts([room])).toEqual(new Map([[room, 2]]));

    const [plan] = await genericPlans(m, () => access.memberCounts([room]));
    // The room's three accounts, each read once by key: not every user.
    expect(rowsRead(plan, 'users')).toBeLessThanOrEqual(3);
  });
});

describe('room changes under concurrency on PostgreSQL', () => {
  let m: MediumModule;

  async function user(): Promise<AuthUser> {
    const created = await m.get(UsersService).create(uniqueName(), PASSWORD, Role.User);
    return { id: created.id, role: Role.User, sessionId: 'not checked here' };
  }

  beforeAll(async () => {
    m = await createMediumModule([UsersModule, RoomsModule], { ROOMS_PER_USER: '3' });
  });
  afterAll(() => m.close());
  beforeEach(() => m.takeEvents());

  it('makes one DM of a pair however many ask at once, numbered 1 and 2', async () => {
    const [a, b] = [await user(), await user()];
    const outcomes = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 ? m.get(DirectRoomsService).open(a, b.id) : m.get(DirectRoomsService).open(b, a.id),
      ),
    );
    const ids = new Set(outcomes.map((outcome) => outcome.value.id));
    expect(ids.size).toBe(1);
    expect(outcomes.filter((outcome) => outcome.created)).toHaveLength(1);
    const [roomId] = ids;
    const [room] = await m.db.query(
      'SELECT kind, name, dm_key, last_seq::float8 AS last_seq FROM rooms WHERE id = $1',
      [roomId],
    );
    expect(room).toEqual({
      kind: 'direct',
      name: null,
      dm_key: `${Math.min(a.id, b.id)}:${Math.max(a.id, b.id)}`,
      last_seq: 2,
    });
    const joined = m.takeEvents().filter((e) => e.type === 'member.joined');
    expect(joined.map((e) => [e.roomId, (e as MemberJoinedEvent).seq])).toEqual([
      [roomId, 1],
      [roomId, 2],
    ]);
  });

  it('numbers simultaneous joins 1..n with each event showing the room at its number', async () => {
    const owner = await user();
    const room = (await m.get(RoomsService).create(owner, { name: 'busy', kind: 'public' })).id;
    const joiners = await Promise.all(Array.from({ length: 12 }, () => user()));
    m.takeEvents();
    await Promise.all(joiners.map((joiner) => m.get(RoomMembershipsService).join(joiner, room)));
    const events = m.takeEvents() as MemberJoinedEvent[];
    expect(events.map((e) => e.seq).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 12 }, (_, i) => i + 2),
    );
    for (const event of events) {
      expect(event.room.last_seq).toBe(event.seq);
      expect(event.room.member_count).toBe(event.seq); // the owner (seq 1) and one per join
    }
    const changes = await m.db.query(
      `SELECT seq::float8 AS seq, type, payload FROM room_changes WHERE room_id = $1 ORDER BY seq`,
      [room],
    );
    expect(changes.map((c: { seq: number }) => c.seq)).toEqual(
      Array.from({ length: 13 }, (_, i) => i + 1),
    );
    for (const { type, seq, member, room: changedRoom } of events) {
      expect(changes[seq - 1]).toEqual({ seq, type, payload: { member, room: changedRoom } });
    }
  });

  it('keeps ROOMS_PER_USER when one user joins many rooms at once', async () => {
    const [owner, joiner] = [await user(), await user()];
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await m.get(RoomsService).create(owner, { name: `r${i}`, kind: 'public' })).id);
    }
    const other = await user();
    for (let i = 0; i < 3; i++) {
      ids.push((await m.get(RoomsService).create(other, { name: `s${i}`, kind: 'public' })).id);
    }
    const results = await Promise.allSettled(
      ids.map((id) => m.get(RoomMembershipsService).join(joiner, id)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    for (const result of results.filter((r) => r.status === 'rejected')) {
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(ConflictError);
    }
    const [{ count }] = await m.db.query(
      'SELECT count(*)::int AS count FROM room_members WHERE user_id = $1',
      [joiner.id],
    );
    expect(count).toBe(3);
  });

  it('makes the longest-standing member owner when the last owner leaves', async () => {
    const [owner, first, second] = [await user(), await user(), await user()];
    const room = (await m.get(RoomsService).create(owner, { name: 'handover', kind: 'private' }))
      .id;
    await m.get(RoomMembershipsService).add(owner, room, first.id);
    await m.get(RoomMembershipsService).add(owner, room, second.id);
    await m.get(RoomMembershipsService).leave(owner, room);
    const roles = await m.db.query(
      'SELECT user_id, role FROM room_members WHERE room_id = $1 ORDER BY user_id',
      [room],
    );
    expect(roles).toEqual([
      { user_id: first.id, role: 'owner' },
      { user_id: second.id, role: 'member' },
    ]);
    // The new owner can manage it: add someone back.
    const back = await m.get(RoomMembershipsService).add(first, room, owner.id);
    expect(back).toMatchObject({ created: true, value: { user_id: owner.id } });
  });
});
