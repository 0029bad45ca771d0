import { AuthUser } from '@chat/auth';
import { ChatEvent, EventBus, UserUpdatedEvent } from '@chat/events';
import { Role } from '@chat/roles';
import { UsersService } from '@chat/users';
import { bearer, createUser, login, PASSWORD, TestUser, uniqueName } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

describe('account changes', () => {
  let t: TestApp;
  let users: UsersService;
  const published: ChatEvent[] = [];
  let unsubscribe: () => void;

  beforeAll(async () => {
    t = await startTestApp();
    users = t.app.get(UsersService);
    unsubscribe = t.app.get(EventBus).subscribe((event) => published.push(event));
  });
  afterAll(async () => {
    unsubscribe();
    await t.close();
  });

  const updatesOf = (userId: number): UserUpdatedEvent[] =>
    published.filter(
      (event): event is UserUpdatedEvent =>
        event.type === 'user.updated' && event.userId === userId,
    );

  async function callerOf(user: TestUser): Promise<AuthUser> {
    const [, payload] = user.token.split('.');
    const { sid } = JSON.parse(Buffer.from(payload, 'base64url').toString()) as { sid: string };
    return { id: user.id, role: Role.User, sessionId: sid };
  }

  async function row(userId: number): Promise<{ name: string; avatar: string; role: number }> {
    const [found] = await t.db.query('SELECT name, avatar, role FROM users WHERE id = $1', [
      userId,
    ]);
    return found;
  }

  describe('publish user.updated with the new values', () => {
    it('on a rename through PATCH /user/update', async () => {
      const user = await createUser(t);
      const name = uniqueName('renamed');
      await t.http
        .patch('/user/update')
        .send({ jwt_token: { token: user.token }, data_update: { name } })
        .expect(201);
      expect(updatesOf(user.id)).toEqual([
        {
          type: 'user.updated',
          userId: user.id,
          name,
          role: 1,
          avatar: (await row(user.id)).avatar,
        },
      ]);
    });

    it('not on a password change alone', async () => {
      const user = await createUser(t);
      await t.http
        .patch('/user/update')
        .set(...bearer(user))
        .send({ data_update: { password: 'another good password' } })
        .expect(201);
      expect(updatesOf(user.id)).toEqual([]);
    });

    it('on a role change', async () => {
      const user = await createUser(t);
      await users.changeRole(user.id, Role.Moderator);
      expect(updatesOf(user.id)).toEqual([
        {
          type: 'user.updated',
          userId: user.id,
          name: user.name,
          role: 2,
          avatar: (await row(user.id)).avatar,
        },
      ]);
    });

    it('when the avatar is replaced', async () => {
      const user = await createUser(t);
      const avatar = `/static/avatars/${user.id}-test.webp`;
      await users.replaceAvatar(user.id, avatar);
      expect(updatesOf(user.id)).toEqual([
        { type: 'user.updated', userId: user.id, name: user.name, role: 1, avatar },
      ]);
    });

    it('not for a deleted account', async () => {
      const user = await createUser(t);
      await users.delete(user.id);
      await users.replaceAvatar(user.id, '/static/avatars/late.webp');
      await expect(users.changeRole(user.id, Role.Admin)).rejects.toThrow('No such account');
      expect(updatesOf(user.id)).toEqual([]);
    });
  });

  describe('an update that lands after the deletion', () => {
    it('does not put a chosen name or a password back on the deleted account', async () => {
      const user = await createUser(t);
      const staleCaller = await callerOf(user);
      await users.delete(user.id);
      await expect(
        users.update(staleCaller, { name: uniqueName('revived'), password: 'a new password' }),
      ).rejects.toThrow('Invalid token');
      const [after] = await t.db.query(
        'SELECT name, password_hash, deleted_at FROM users WHERE id = $1',
        [user.id],
      );
      expect(after).toMatchObject({ name: `Deleted #${user.id}`, password_hash: null });
      expect(after.deleted_at).not.toBeNull();
      await t.http.post('/user/login').send({ name: user.name, password: PASSWORD }).expect(409);
    });

    it('leaves the name free when racing the deletion', async () => {
      const user = await createUser(t);
      const staleCaller = await callerOf(user);
      const chosen = uniqueName('raced');
      await Promise.allSettled([
        users.delete(user.id),
        users.update(staleCaller, { name: chosen }),
      ]);
      expect((await row(user.id)).name).toBe(`Deleted #${user.id}`);
      // Whoever won, the chosen name is not held by the deleted account.
      await createUser(t, chosen);
      await login(t, chosen, PASSWORD);
    });
  });
});
