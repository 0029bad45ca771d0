import type { SessionData } from 'express-session';
import { promisify } from 'node:util';
import { Role } from '@chat/roles';
import type { AdminAuthService, AdminIdentity } from './admin-auth.service';
import { AdminSessionStore } from './admin-session-store.service';
import type { AdminSessionsRepository, PanelSession } from './admin-sessions.repository';

const ADMIN: AdminIdentity = {
  email: 'root',
  id: '1',
  title: 'Admin',
  role: Role.Admin,
  sessionId: 'chat-session',
};
const cookie = { originalMaxAge: 1000 } as SessionData['cookie'];

function setUp() {
  const rows = new Map<string, PanelSession>();
  const auth = { stillAdmin: true, loggedOut: [] as AdminIdentity[] };
  let unreadable = false;
  const repository = {
    find: async (sid: string) => {
      if (unreadable) throw new Error('connection lost');
      return rows.get(sid) ?? null;
    },
    save: async (sid: string, data: PanelSession) => void rows.set(sid, data),
    touch: async () => undefined,
    delete: async (sid: string) => void rows.delete(sid),
  } as unknown as AdminSessionsRepository;
  const service = {
    stillHolds: async () => auth.stillAdmin,
    logout: async (identity: AdminIdentity) => void auth.loggedOut.push(identity),
  } as unknown as AdminAuthService;
  const store = new AdminSessionStore(repository, service);
  return {
    rows,
    auth,
    makeUnreadable: () => (unreadable = true),
    get: promisify(store.get.bind(store)),
    destroy: promisify(store.destroy.bind(store)),
    set: promisify(store.set.bind(store)),
  };
}

describe('AdminSessionStore', () => {
  it('hands over a login whose account is still a live admin', async () => {
    const { rows, get, set } = setUp();
    await set('sid', { cookie, adminUser: ADMIN } as PanelSession);
    expect(await get('sid')).toEqual({ cookie, adminUser: ADMIN });
    expect(rows.has('sid')).toBe(true);
  });

  it('drops a login that no longer holds, so AdminJS sees none', async () => {
    const { rows, auth, get, set } = setUp();
    await set('sid', { cookie, adminUser: ADMIN } as PanelSession);
    auth.stillAdmin = false;
    expect(await get('sid')).toBeNull();
    expect(rows.has('sid')).toBe(false);
  });

  it('hands over a session without a login unchecked (the login page uses one)', async () => {
    const { auth, get, set } = setUp();
    auth.stillAdmin = false;
    await set('sid', { cookie });
    expect(await get('sid')).toEqual({ cookie });
  });

  it('ends the chat session behind a login on logout', async () => {
    const { rows, auth, destroy, set } = setUp();
    await set('sid', { cookie, adminUser: ADMIN } as PanelSession);
    await destroy('sid');
    expect(auth.loggedOut).toEqual([ADMIN]);
    expect(rows.has('sid')).toBe(false);
  });

  it('still deletes a login that cannot be read on logout', async () => {
    const { rows, auth, destroy, set, makeUnreadable } = setUp();
    await set('sid', { cookie, adminUser: ADMIN } as PanelSession);
    makeUnreadable();
    await destroy('sid');
    expect(auth.loggedOut).toEqual([]);
    expect(rows.has('sid')).toBe(false);
  });
});
