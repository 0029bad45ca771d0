import { AuthUser, SessionsService } from '@chat/auth';
import { ConflictError } from '@chat/errors';
import { Role } from '@chat/roles';
import { User, UsersModule, UsersService } from '@chat/users';
import { createMediumModule, MediumModule, uniqueName } from './support/medium-module';

const PASSWORD = 'correct horse';
const DELETED_AVATAR = '/static/avatars/deleted.webp';

describe('UsersService on PostgreSQL', () => {
  let m: MediumModule;
  let users: UsersService;
  let sessions: SessionsService;

  beforeAll(async () => {
    m = await createMediumModule([UsersModule]);
    users = m.get(UsersService);
    sessions = m.get(SessionsService);
  });
  afterAll(() => m.close());
  beforeEach(() => m.takeEvents());

  async function signedIn(user: User): Promise<AuthUser> {
    const sessionId = await sessions.create(user.id);
    return { id: user.id, role: user.role, sessionId };
  }

  const row = async (id: number) =>
    (
      await m.db.query(
        `SELECT name, password_hash, role, avatar, deleted_at, updated_at FROM users WHERE id = $1`,
        [id],
      )
    )[0];

  describe('create and find', () => {
    it('stores an account with a bcrypt hash and a default avatar', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.Moderator);
      expect(user).toMatchObject({ role: Role.Moderator, deletedAt: null });
      expect(user.avatar).toMatch(/^\/static\/avatars\//);
      // The hash stays in the database layer: the new account comes back as a read gives it.
      expect(user).not.toHaveProperty('passwordHash');
      expect((await row(user.id)).password_hash).toMatch(/^\$2[aby]\$04\$/);
    });

    it('finds a login by name in any case, with its hash; a profile without it', async () => {
      const name = uniqueName('Mixed');
      const user = await users.create(name, PASSWORD, Role.User);
      const found = await users.findForLogin(name.toUpperCase(), PASSWORD);
      expect(found).toMatchObject({ id: user.id, name, passwordHash: expect.any(String) });
      const profile = await users.profile(await signedIn(user));
      expect(profile).toMatchObject({ id: user.id, name });
      expect(profile.passwordHash).toBeUndefined();
    });

    it('finds no login for a password no account can have', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.User);
      expect(await users.findForLogin(user.name, `${PASSWORD}\u0000`)).toBeNull();
      expect(await users.findForLogin(user.name, 'x'.repeat(73))).toBeNull();
    });

    it('refuses a name taken in any case with Name is occupied', async () => {
      const name = uniqueName('Taken');
      await users.create(name, PASSWORD, Role.User);
      const again = users.create(name.toLowerCase(), PASSWORD, Role.User);
      await expect(again).rejects.toThrow(new ConflictError('Name is occupied'));
    });

    it('lists accounts in id order, by page', async () => {
      const created = [];
      for (let i = 0; i < 3; i++) created.push(await users.create(uniqueName(), PASSWORD, 1));
      const all = (await users.list()).map((user) => user.id);
      expect(all).toEqual([...all].sort((a, b) => a - b));
      const page = await users.list({ afterId: created[0].id, limit: 2 });
      expect(page.map((user) => user.id)).toEqual([created[1].id, created[2].id]);
    });
  });

  describe('update', () => {
    it('renames and publishes the account as it is now', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.User);
      const before = (await row(user.id)).updated_at as Date;
      const name = uniqueName('renamed');
      const caller = await signedIn(user);
      await users.update(caller, { name });
      expect((await row(user.id)).name).toBe(name);
      await expect(users.checkPassword(caller, PASSWORD)).resolves.toBeUndefined();
      expect(((await row(user.id)).updated_at as Date).getTime()).toBeGreaterThan(before.getTime());
      expect(m.takeEvents()).toEqual([
        { type: 'user.updated', userId: user.id, name, role: Role.User, avatar: user.avatar },
      ]);
    });

    it('changes the password and ends every other session, keeping the current one', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.User);
      const [current, other] = [await signedIn(user), await signedIn(user)];
      await users.update(current, { password: 'a brand new password' });
      expect(await sessions.resolve(current.sessionId, user.id)).not.toBeNull();
      expect(await sessions.resolve(other.sessionId, user.id)).toBeNull();
      await expect(users.checkPassword(current, 'a brand new password')).resolves.toBeUndefined();
      await expect(users.checkPassword(current, PASSWORD)).rejects.toThrow(ConflictError);
      // A password change alone publishes no user event (nothing others see changed).
      expect(m.takeEvents().filter((e) => e.type === 'user.updated')).toEqual([]);
    });

    it('changes nothing when the new name is taken, not even the password', async () => {
      const taken = await users.create(uniqueName('Other'), PASSWORD, Role.User);
      const user = await users.create(uniqueName(), PASSWORD, Role.User);
      const caller = await signedIn(user);
      const update = users.update(caller, { name: taken.name.toUpperCase(), password: 'new one!' });
      await expect(update).rejects.toThrow(new ConflictError('Name is occupied'));
      expect((await row(user.id)).name).toBe(user.name);
      await expect(users.checkPassword(caller, PASSWORD)).resolves.toBeUndefined();
    });

    it('lets users change the case of their own name', async () => {
      const user = await users.create(uniqueName('lower'), PASSWORD, Role.User);
      await users.update(await signedIn(user), { name: user.name.toUpperCase() });
      expect((await row(user.id)).name).toBe(user.name.toUpperCase());
    });

    it('sets the role, ending the sessions of a demoted account only', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.User);
      const promoted = await signedIn(user);
      await users.changeRole(user.id, Role.Admin);
      expect(await sessions.resolve(promoted.sessionId, user.id)).not.toBeNull();
      const [event] = m.takeEvents().filter((e) => e.type === 'user.updated');
      expect(event).toMatchObject({ userId: user.id, role: Role.Admin });

      const demoted = await signedIn(user);
      await users.changeRole(user.id, Role.Moderator);
      expect(await sessions.resolve(demoted.sessionId, user.id)).toBeNull();
      expect((await row(user.id)).role).toBe(Role.Moderator);
      await expect(users.changeRole(999_999, Role.User)).rejects.toThrow(
        new ConflictError('No such account'),
      );
    });

    it('replaces the avatar, answering the previous one', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.User);
      expect(await users.replaceAvatar(user.id, '/avatars/one.webp')).toBe(user.avatar);
      expect(await users.replaceAvatar(user.id, '/avatars/two.webp')).toBe('/avatars/one.webp');
      expect((await row(user.id)).avatar).toBe('/avatars/two.webp');
    });
  });

  describe('delete', () => {
    it('keeps the row, renamed, without password, with the deleted avatar and no session', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.Moderator);
      const caller = await signedIn(user);
      await users.delete(user.id);
      expect(await row(user.id)).toMatchObject({
        name: `Deleted #${user.id}`,
        password_hash: null,
        role: Role.Moderator,
        avatar: DELETED_AVATAR,
        deleted_at: expect.any(Date),
      });
      expect(await sessions.resolve(caller.sessionId, user.id)).toBeNull();
      expect(m.takeEvents()).toContainEqual({
        type: 'user.deleted',
        userId: user.id,
        previousAvatar: user.avatar,
      });
    });

    it('leaves a deleted account as it is: no second event, no update, no avatar, no login', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.User);
      const caller = await signedIn(user);
      await users.delete(user.id);
      m.takeEvents();
      await users.delete(user.id);
      expect(m.takeEvents().filter((e) => e.type === 'user.deleted')).toEqual([]);
      expect(await users.replaceAvatar(user.id, '/avatars/late.webp')).toBeNull();
      await expect(users.update(caller, { name: uniqueName() })).rejects.toThrow('Invalid token');
      await expect(users.changeRole(user.id, Role.Admin)).rejects.toThrow('No such account');
      expect(await users.findForLogin(`Deleted #${user.id}`, PASSWORD)).toBeNull();
      expect((await row(user.id)).avatar).toBe(DELETED_AVATAR);
    });

    it('frees the name for a new account', async () => {
      const user = await users.create(uniqueName(), PASSWORD, Role.User);
      await users.delete(user.id);
      const successor = await users.create(user.name, PASSWORD, Role.User);
      expect(successor.id).not.toBe(user.id);
    });

    it('tells whether a live admin remains', async () => {
      const admins: number[] = (
        await m.db.query('SELECT id FROM users WHERE role = 3 AND deleted_at IS NULL')
      ).map((r: { id: number }) => r.id);
      for (const id of admins) await users.delete(id);
      expect(await users.hasActiveAdmin()).toBe(false);
      const admin = await users.create(uniqueName('admin'), PASSWORD, Role.Admin);
      expect(await users.hasActiveAdmin()).toBe(true);
      await users.delete(admin.id);
      expect(await users.hasActiveAdmin()).toBe(false);
    });
  });
});
