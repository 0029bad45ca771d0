import { Module } from '@nestjs/common';
import type { SessionData } from 'express-session';
import { AdminSessionsRepository } from '../../../../libs/admin/src/admin-sessions.repository';
import { createMediumModule, MediumModule } from './support/medium-module';

@Module({ providers: [AdminSessionsRepository] })
class AdminSessionsTableModule {}

const ADMIN = { email: 'root', id: '1', title: 'Admin', sessionId: 'chat-session' };

/** A login whose cookie ends `inMs` from now, as express-session hands it to the store. */
function login(inMs: number): SessionData {
  const expires = new Date(Date.now() + inMs);
  return { cookie: { originalMaxAge: inMs, expires }, adminUser: ADMIN } as unknown as SessionData;
}

describe('AdminSessionsRepository on PostgreSQL', () => {
  let m: MediumModule;
  let sessions: AdminSessionsRepository;

  beforeAll(async () => {
    m = await createMediumModule([AdminSessionsTableModule]);
    sessions = m.get(AdminSessionsRepository);
  });
  afterAll(() => m.close());

  const expiry = async (sid: string): Promise<Date | undefined> =>
    (await m.db.query('SELECT expire FROM admin_sessions WHERE sid = $1', [sid]))[0]?.expire;

  it('stores a login in admin_sessions until its cookie expires, and deletes it', async () => {
    await sessions.save('sid-1', login(60_000));
    expect(await sessions.find('sid-1')).toMatchObject({ adminUser: ADMIN });
    expect((await expiry('sid-1'))!.getTime()).toBeGreaterThan(Date.now());
    await sessions.delete('sid-1');
    expect(await sessions.find('sid-1')).toBeNull();
    expect(await expiry('sid-1')).toBeUndefined();
  });

  it('finds no expired login, and touching pushes the expiry forward', async () => {
    await sessions.save('sid-2', login(60_000));
    const before = (await expiry('sid-2'))!;
    await sessions.touch('sid-2', login(3_600_000));
    expect((await expiry('sid-2'))!.getTime()).toBeGreaterThan(before.getTime());

    await m.db.query(`UPDATE admin_sessions SET expire = now() - interval '1 second'`);
    expect(await sessions.find('sid-2')).toBeNull();
  });
});
