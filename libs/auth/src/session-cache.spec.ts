import fc from 'fast-check';
import { Role } from '@chat/roles';
import { AuthUser } from './auth-user';
import { RefreshClaim, SessionCache } from './session-cache';

const TTL = 5_000;

function setUp(maxEntries = 3) {
  const clock = { now: 1_000_000 };
  const cache = new SessionCache(() => clock.now, TTL, maxEntries);
  return { clock, cache };
}

const user = (sessionId: string, id = 1): AuthUser => ({ id, role: Role.User, sessionId });

describe('SessionCache', () => {
  /** The sessions claimInUse claims now, with their claims. */
  const claimed = (cache: SessionCache) => new Map(cache.claimInUse());

  it('answers a check for the TTL, then no longer', () => {
    const { clock, cache } = setUp();
    cache.set('a', user('a'));
    clock.now += TTL - 1;
    expect(cache.get('a')).toEqual(user('a'));
    clock.now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('never answers past the session expiry, even within the TTL', () => {
    const { clock, cache } = setUp();
    cache.set('a', user('a'), clock.now + 1_000);
    clock.now += 999;
    expect(cache.get('a')).toEqual(user('a'));
    clock.now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('trusts a check for the TTL from its read, however late its answer came', () => {
    const { clock, cache } = setUp();
    const readAt = clock.now;
    clock.now += 2_000; // the answer arrives
    cache.set('a', user('a'), Infinity, readAt);
    clock.now = readAt + TTL / 2;
    // Due again half the TTL after the read.
    const claim = claimed(cache).get('a');
    expect(claim).toBeDefined();
    clock.now = readAt + TTL - 1;
    expect(cache.get('a')).toEqual(user('a'));
    // The refresh, read at readAt + TTL / 2, answers 4 s late: trusted until TTL after its read.
    const refreshReadAt = readAt + TTL / 2;
    cache.refresh('a', claim!, user('a'), Infinity, refreshReadAt);
    clock.now = refreshReadAt + TTL - 1;
    expect(cache.get('a')).toEqual(user('a'));
    clock.now += 1;
    expect(cache.get('a')).toBeUndefined();
  });

  it('remembers a refusal (null) apart from a miss (undefined)', () => {
    const { cache } = setUp();
    cache.set('refused', null);
    expect(cache.get('refused')).toBeNull();
    expect(cache.get('unknown')).toBeUndefined();
  });

  it('has a check in use made again past half its TTL, claimed once', () => {
    const { clock, cache } = setUp();
    cache.set('a', user('a'));
    clock.now += TTL / 2 - 1;
    expect(claimed(cache).size).toBe(0);
    clock.now += 1;
    const claim = claimed(cache).get('a');
    expect(claim).toBeDefined();
    expect(claimed(cache).size).toBe(0);
    // Still answered while the new check is made.
    expect(cache.get('a')).toEqual(user('a'));
    cache.refresh('a', claim!, user('a', 2));
    clock.now += TTL - 1;
    expect(cache.get('a')).toEqual(user('a', 2));
    expect([...claimed(cache).keys()]).toEqual(['a']);
  });

  it('claims no check of a refusal, nor past the TTL', () => {
    const { clock, cache } = setUp();
    cache.set('a', user('a'));
    cache.set('refused', null);
    clock.now += TTL / 2;
    // Both asked for within the TTL and past half of it: only the caller's check is made again.
    expect(cache.get('refused')).toBeNull();
    expect(cache.get('a')).toEqual(user('a'));
    expect([...claimed(cache).keys()]).toEqual(['a']);
    cache.set('b', user('b'));
    clock.now += TTL;
    expect(claimed(cache).size).toBe(0);
  });

  it('keeps making the check of a session asked for within the TTL, and of no other', () => {
    const { clock, cache } = setUp();
    cache.set('idle', user('idle'));
    cache.set('busy', user('busy'));
    clock.now += TTL / 2;
    // Both were asked for at their sign-in, within the TTL.
    const first = claimed(cache);
    expect([...first.keys()].sort()).toEqual(['busy', 'idle']);
    for (const [id, claim] of first) cache.refresh(id, claim, user(id));
    clock.now += TTL / 2 - 1;
    expect(cache.get('busy')).toEqual(user('busy'));
    clock.now += 1;
    // A refresh is no use: 'idle' was last asked for a TTL ago, so its check is left to lapse.
    expect([...claimed(cache).keys()]).toEqual(['busy']);
    clock.now += TTL / 2;
    expect(cache.get('idle')).toBeUndefined();
  });

  it('does not bring back a session forgotten while its check was made again', () => {
    const { clock, cache } = setUp();
    cache.set('a', user('a'));
    clock.now += TTL / 2;
    const claim = claimed(cache).get('a')!;
    cache.delete(['a']);
    cache.refresh('a', claim, user('a'));
    expect(cache.get('a')).toBeUndefined();
    // Nor over the refusal a new check remembered after the revocation.
    cache.set('a', null);
    cache.refresh('a', claim, user('a'));
    expect(cache.get('a')).toBeNull();
  });

  it('counts the forgetting of sessions, for checks read meanwhile', () => {
    const { cache } = setUp();
    const before = cache.forgotten;
    cache.delete(['a']);
    expect(cache.forgotten).toBe(before + 1);
  });

  it('forgets revoked sessions at once', () => {
    const { cache } = setUp();
    cache.set('a', user('a'));
    cache.set('b', user('b'));
    cache.delete(['a', 'c']);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('b')).toEqual(user('b'));
  });

  it('when full, sweeps the expired entries and keeps the live ones', () => {
    const { clock, cache } = setUp(3);
    cache.set('live', user('live'));
    cache.set('ends soon', user('ends soon'), clock.now + 10);
    cache.set('also ends soon', user('also ends soon'), clock.now + 10);
    clock.now += 10;
    cache.set('new', user('new'));
    expect(cache.size).toBe(2);
    expect(cache.get('live')).toEqual(user('live'));
    expect(cache.get('new')).toEqual(user('new'));
  });

  it('when full of live entries, evicts the one set longest ago', () => {
    const { cache } = setUp(3);
    for (const id of ['a', 'b', 'c']) cache.set(id, user(id));
    cache.set('a', user('a', 2)); // set again: now the newest
    cache.set('d', user('d'));
    expect(cache.size).toBe(3);
    expect(cache.get('b')).toBeUndefined();
    expect(['a', 'c', 'd'].map((id) => cache.get(id)?.sessionId)).toEqual(['a', 'c', 'd']);
  });

  it('stays bounded and answers only the latest check of a session, within its time', () => {
    const id = fc.constantFrom('s1', 's2', 's3', 's4', 's5', 's6');
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 3_000 }) }),
      fc.record({
        kind: fc.constant('set' as const),
        id,
        userId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
        expiresIn: fc.option(fc.integer({ min: -100, max: 10_000 }), { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('claim' as const) }),
      fc.record({
        kind: fc.constant('complete' as const),
        id,
        userId: fc.option(fc.integer({ min: 1, max: 3 }), { nil: null }),
      }),
      fc.record({ kind: fc.constant('delete' as const), id }),
      fc.record({ kind: fc.constant('get' as const), id }),
    );
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.array(operation, { maxLength: 80 }),
        (maxEntries, operations) => {
          const { clock, cache } = setUp(maxEntries);
          // What a correct cache may answer for each session: its latest check, until when.
          const latest = new Map<string, { user: AuthUser | null; until: number }>();
          // Claimed checks not yet answered, and those whose session was neither set nor
          // forgotten since the claim.
          const claims = new Map<string, RefreshClaim>();
          const untouched = new Set<string>();
          for (const op of operations) {
            if (op.kind === 'advance') clock.now += op.ms;
            if (op.kind === 'delete' || op.kind === 'set') untouched.delete(op.id);
            if (op.kind === 'delete') {
              cache.delete([op.id]);
              latest.delete(op.id);
            }
            if (op.kind === 'set') {
              const checked = op.userId === null ? null : user(op.id, op.userId);
              const expiresAt = op.expiresIn === undefined ? undefined : clock.now + op.expiresIn;
              cache.set(op.id, checked, expiresAt);
              const until = Math.min(clock.now + TTL, expiresAt ?? Infinity);
              latest.set(op.id, { user: checked, until });
              // Just set and still valid: answered.
              if (until > clock.now) expect(cache.get(op.id)).toEqual(checked);
            }
            // A check claimed, then its answer handed back after whatever came in between: it
            // replaces the latest only if nothing was set or forgotten for the session meanwhile.
            if (op.kind === 'claim') {
              for (const [id, claim] of cache.claimInUse()) {
                claims.set(id, claim);
                untouched.add(id);
              }
            }
            if (op.kind === 'complete' && claims.has(op.id)) {
              const checked = op.userId === null ? null : user(op.id, op.userId);
              cache.refresh(op.id, claims.get(op.id)!, checked);
              if (untouched.has(op.id))
                latest.set(op.id, { user: checked, until: clock.now + TTL });
              claims.delete(op.id);
              untouched.delete(op.id);
            }
            if (op.kind === 'get') {
              const answer = cache.get(op.id);
              const allowed = latest.get(op.id);
              if (answer !== undefined) {
                expect(allowed).toBeDefined();
                expect(answer).toEqual(allowed!.user);
                expect(clock.now).toBeLessThan(allowed!.until);
              }
            }
            expect(cache.size).toBeLessThanOrEqual(maxEntries);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
