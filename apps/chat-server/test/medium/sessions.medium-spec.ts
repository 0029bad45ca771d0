import { SessionsService } from '@chat/auth';
import { SessionsRepository } from '../../../../libs/auth/src/sessions.repository';
import { Role } from '@chat/roles';
import { UsersModule, UsersService } from '@chat/users';
import { genericPlans, relationScans } from './support/generic-plans';
import { createMediumModule, MediumModule, uniqueName } from './support/medium-module';

describe('SessionsService on PostgreSQL', () => {
  let m: MediumModule;
  let sessions: SessionsService;
  let users: UsersService;

  beforeAll(async () => {
    m = await createMediumModule([UsersModule]);
    sessions = m.get(SessionsService);
    users = m.get(UsersService);
  });
  afterAll(() => m.close());
  beforeEach(() => m.takeEvents());

  const newUser = (role = Role.User) => users.create(uniqueName(), 'correct horse', role);

  const sessionRow = async (id: string) =>
    (
      await m.db.query(
        `SELECT user_id, created_at, last_seen_at, expires_at, revoked_at FROM sessions
          WHERE id = $1`,
        [id],
      )
    )[0];

  /** Moves a session's times on the database clock. */
  const setTimes = (id: string, times: { expires?: string; revoked?: string }) =>
    m.db.query(
      `UPDATE sessions SET expires_at = coalesce(now() + $2::interval, expires_at),
                           revoked_at = coalesce(now() + $3::interval, revoked_at)
        WHERE id = $1`,
      [id, times.expires ?? null, times.revoked ?? null],
    );

  it('creates sessions that expire after the token lifetime (JWT_TTL, 3 h here)', async () => {
    const user = await newUser();
    const id = await sessions.create(user.id);
    const [row] = await m.db.query(
      `SELECT extract(epoch FROM expires_at - created_at)::int AS seconds FROM sessions
        WHERE id = $1`,
      [id],
    );
    expect(Math.abs(row.seconds - 3 * 3600)).toBeLessThanOrEqual(5);
  });

  it('resolves a live session to its user, role and id, and records that it was seen', async () => {
    const user = await newUser(Role.Moderator);
    const id = await sessions.create(user.id);
    await m.db.query(
      `UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE id = $1`,
      [id],
    );
    const before = await sessionRow(id);
    expect(await sessions.resolve(id, user.id)).toEqual({
      id: user.id,
      role: Role.Moderator,
      sessionId: id,
    });
    const seen = (await sessionRow(id)).last_seen_at.getTime();
    expect(seen).toBeGreaterThan(before.last_seen_at.getTime());
    // Seen again within the minute: the check answers alike and writes nothing.
    expect((await m.get(SessionsRepository).touchLive([id]))[0]).toMatchObject({ userId: user.id });
    expect((await sessionRow(id)).last_seen_at.getTime()).toBe(seen);
  });

  it.each([
    ['another user', async (id: string, userId: number) => sessions.resolve(id, userId + 1)],
    [
      'a session id that is not a UUID',
      async (_id: string, userId: number) => sessions.resolve("1' OR '1'='1", userId),
    ],
    [
      'an unknown session id',
      async (_id: string, userId: number) =>
        sessions.resolve('00000000-0000-4000-8000-000000000000', userId),
    ],
    [
      'claims without a sid',
      async (_id: string, userId: number) => sessions.resolveClaims({ sub: String(userId) }),
    ],
  ])('resolves nothing for %s', async (_case, resolve) => {
    const user = await newUser();
    const id = await sessions.create(user.id);
    expect(await resolve(id, user.id)).toBeNull();
    expect(await sessions.resolveClaims({ sub: String(user.id), sid: id })).not.toBeNull();
  });

  it('ends a session at its expiry on the database clock', async () => {
    const user = await newUser();
    expect(await sessions.resolve(await sessions.create(user.id, 0), user.id)).toBeNull();
    const expired = await sessions.create(user.id);
    await setTimes(expired, { expires: '-1 second' });
    expect(await sessions.resolve(expired, user.id)).toBeNull();
  });

  it('answers from its cache no longer than the session lives', async () => {
    const user = await newUser();
    const id = await sessions.create(user.id, 1);
    expect(await sessions.resolve(id, user.id)).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await sessions.resolve(id, user.id)).toBeNull();
  });

  /**
   * The next session check statement that asks for `sessionId` reads the database, then holds its
   * answer until released: `wasRead` resolves once it has read, `answered` once it has answered.
   * Other checks (the background rounds for other tests' sessions) go through.
   */
  const holdNextCheckAfterItsRead = (sessionId: string) => {
    const repository = m.get(SessionsRepository);
    const touchLive = repository.touchLive.bind(repository);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let read!: () => void;
    const wasRead = new Promise<void>((resolve) => (read = resolve));
    let answered: ReturnType<typeof touchLive> | undefined;
    const checks = jest.spyOn(repository, 'touchLive').mockImplementation((ids) => {
      if (answered || !ids.includes(sessionId)) return touchLive(ids);
      answered = (async () => {
        const answers = await touchLive(ids);
        read();
        await held;
        return answers;
      })();
      return answered;
    });
    return { checks, wasRead, release, answered: () => answered };
  };

  /** Runs `test` while the next check asking for `sessionId` is held (holdNextCheckAfterItsRead). */
  const withHeldCheck = async (
    sessionId: string,
    test: (held: ReturnType<typeof holdNextCheckAfterItsRead>) => Promise<void>,
  ) => {
    const held = holdNextCheckAfterItsRead(sessionId);
    try {
      await test(held);
    } finally {
      held.checks.mockRestore();
    }
  };

  describe('a session in use, checked again in the background past half the cache TTL (2.5 s)', () => {
    const TTL_MS = 5_000;
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    /** Whether `answer` settles without waiting for anything outside this process's microtasks. */
    const settlesAtOnce = async (answer: Promise<unknown>) => {
      let settled = false;
      void answer.then(() => (settled = true));
      await Promise.resolve();
      return settled;
    };

    it('is answered at once past its first check, and a revocation made by hand is found', async () => {
      const [live, revoked] = [await newUser(), await newUser()];
      const liveId = await sessions.create(live.id);
      const revokedId = await sessions.create(revoked.id);
      const signedIn = Date.now();
      // A socket's sign-in each, then silence.
      const caller = await sessions.resolve(liveId, live.id);
      expect(await sessions.resolve(revokedId, revoked.id)).not.toBeNull();
      // Revoked on another instance whose bus message never came.
      await setTimes(revokedId, { revoked: '0 seconds' });
      const checks = jest.spyOn(m.get(SessionsRepository), 'touchLive');
      try {
        await sleep(signedIn + TTL_MS + 200 - Date.now());
        // Past the TTL of the sign-in's check: checked again meanwhile, without any frame.
        const answered = sessions.resolve(liveId, live.id);
        expect(await settlesAtOnce(answered)).toBe(true);
        expect(await answered).toEqual(caller);
        expect(checks.mock.calls.flat(2)).toEqual(expect.arrayContaining([liveId, revokedId]));
        expect(await sessions.resolve(revokedId, revoked.id)).toBeNull();
      } finally {
        checks.mockRestore();
      }
    });

    it('counts its 5 s from the read, not from a late answer, so a revocation by hand shows sooner', async () => {
      const user = await newUser();
      const id = await sessions.create(user.id);
      await withHeldCheck(id, async ({ wasRead, release }) => {
        const signIn = sessions.resolve(id, user.id);
        await wasRead;
        const readAt = Date.now();
        // Revoked on another instance whose bus message never came, while the answer is late.
        await setTimes(id, { revoked: '0 seconds' });
        await sleep(readAt + 2_000 - Date.now());
        release();
        expect(await signIn).not.toBeNull();
        // Due again 2.5 s after the read (4.5 s counted from the answer): refused by 4.2 s.
        await sleep(readAt + 4_200 - Date.now());
        expect(await sessions.resolve(id, user.id)).toBeNull();
      });
    });

    it('stays revoked when the background check read it before the revocation', async () => {
      const user = await newUser();
      const id = await sessions.create(user.id);
      expect(await sessions.resolve(id, user.id)).not.toBeNull();
      await withHeldCheck(id, async ({ wasRead, release, answered }) => {
        await wasRead; // the background check, live when read
        await sessions.revoke(id);
        // A new check (a socket signing in again at once) remembers the refusal first.
        expect(await sessions.resolve(id, user.id)).toBeNull();
        release();
        await answered();
        await new Promise((resolve) => setImmediate(resolve));
        expect(await sessions.resolve(id, user.id)).toBeNull();
      });
    });
  });

  it('reads a check again when a revocation is heard while it is read', async () => {
    const user = await newUser();
    const id = await sessions.create(user.id);
    await withHeldCheck(id, async ({ wasRead, release }) => {
      const answer = sessions.resolve(id, user.id);
      await wasRead; // live when read
      await sessions.revoke(id);
      release();
      expect(await answer).toBeNull();
      expect(await sessions.resolve(id, user.id)).toBeNull();
    });
  });

  it('resolves nothing for the session of a deleted user', async () => {
    const user = await newUser();
    const id = await sessions.create(user.id);
    await m.db.query('UPDATE users SET deleted_at = now() WHERE id = $1', [user.id]);
    expect(await sessions.resolve(id, user.id)).toBeNull();
  });

  it('revokes one session, at once on this instance, and tells the others', async () => {
    const user = await newUser();
    const [revoked, kept] = [await sessions.create(user.id), await sessions.create(user.id)];
    expect(await sessions.resolve(revoked, user.id)).not.toBeNull();
    await sessions.revoke(revoked);
    expect(await sessions.resolve(revoked, user.id)).toBeNull();
    expect(await sessions.resolve(kept, user.id)).not.toBeNull();
    expect((await sessionRow(revoked)).revoked_at).toEqual(expect.any(Date));
    expect(m.takeEvents()).toEqual([{ type: 'sessions.revoked', sessionIds: [revoked] }]);
  });

  it("revokes all of a user's live sessions but the one kept, naming them on the bus", async () => {
    const [user, other] = [await newUser(), await newUser()];
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await sessions.create(user.id));
    const otherId = await sessions.create(other.id);
    await sessions.revoke(ids[0]);
    m.takeEvents();

    await sessions.revokeAllForUser(user.id, ids[2]);
    expect(m.takeEvents()).toEqual([{ type: 'sessions.revoked', sessionIds: [ids[1]] }]);
    expect(await sessions.resolve(ids[1], user.id)).toBeNull();
    expect(await sessions.resolve(ids[2], user.id)).not.toBeNull();
    expect(await sessions.resolve(otherId, other.id)).not.toBeNull();

    await sessions.revokeAllForUser(user.id);
    expect(m.takeEvents()).toEqual([{ type: 'sessions.revoked', sessionIds: [ids[2]] }]);
    await sessions.revokeAllForUser(user.id);
    expect(m.takeEvents()).toEqual([]);
  });

  it('prunes sessions once expired or revoked for a day, and only then', async () => {
    const user = await newUser();
    const [expired, longRevoked, justRevoked, live] = await Promise.all(
      [1, 2, 3, 4].map(() => sessions.create(user.id)),
    );
    await setTimes(expired, { expires: '-1 minute' });
    await setTimes(longRevoked, { revoked: '-25 hours' });
    await setTimes(justRevoked, { revoked: '-1 hour' });
    await sessions.prune();
    const rows: { id: string }[] = await m.db.query('SELECT id FROM sessions WHERE id = ANY($1)', [
      [expired, longRevoked, justRevoked, live],
    ]);
    expect(rows.map((row) => row.id).sort()).toEqual([justRevoked, live].sort());
    expect(await sessions.resolve(live, user.id)).not.toBeNull();
  });

  it('checks the sessions asked in one turn with one statement, each answered as if alone', async () => {
    const [user, other] = [await newUser(), await newUser(Role.Admin)];
    const [live, revoked, others] = [
      await sessions.create(user.id),
      await sessions.create(user.id),
      await sessions.create(other.id),
    ];
    await setTimes(revoked, { revoked: '-1 second' });
    const statements = jest.spyOn(m.get(SessionsRepository), 'touchLive');
    try {
      const answers = await Promise.all([
        sessions.resolve(live, user.id),
        sessions.resolve(revoked, user.id),
        sessions.resolve(others, other.id),
        sessions.resolve(live.toUpperCase(), user.id),
        sessions.resolve(others, user.id),
      ]);
      expect(answers).toEqual([
        { id: user.id, role: Role.User, sessionId: live },
        null,
        { id: other.id, role: Role.Admin, sessionId: others },
        { id: user.id, role: Role.User, sessionId: live.toUpperCase() },
        null,
      ]);
      expect(statements).toHaveBeenCalledTimes(1);
    } finally {
      statements.mockRestore();
    }
  });

  it('records sessions seen from batches that share them at once', async () => {
    const user = await newUser();
    const ids = await Promise.all(Array.from({ length: 20 }, () => sessions.create(user.id)));
    await m.db.query(
      `UPDATE sessions SET last_seen_at = now() - interval '2 minutes' WHERE id = ANY($1)`,
      [ids],
    );
    const repository = m.get(SessionsRepository);
    // The batches ask for the shared sessions in different orders, all at once.
    const batches = Array.from({ length: 8 }, (_, k) =>
      repository.touchLive(k % 2 ? [...ids].reverse() : [...ids.slice(k), ...ids.slice(0, k)]),
    );
    for (const answers of await Promise.all(batches)) {
      expect(answers.every((answer) => answer?.userId === user.id)).toBe(true);
    }
    const stale: unknown[] = await m.db.query(
      `SELECT id FROM sessions WHERE id = ANY($1) AND last_seen_at < now() - interval '1 minute'`,
      [ids],
    );
    expect(stale).toEqual([]);
  });

  it('reads the sessions it checks and their users by key, never a whole table', async () => {
    const user = await newUser();
    const ids = [await sessions.create(user.id), await sessions.create(user.id)];
    const [plan] = await genericPlans(m, () => m.get(SessionsRepository).touchLive(ids));
    expect(relationScans(plan, 'users')).toEqual(['Index Scan']);
    // The seen record (ModifyTable) finds its rows by key too.
    expect(new Set(relationScans(plan, 'sessions'))).toEqual(
      new Set(['Index Scan', 'ModifyTable']),
    );
  });
});
