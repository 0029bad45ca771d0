import fc from 'fast-check';
import { refreshAt, tokenExpiry } from './token-expiry';

const jwt = (payload: object) =>
  `eyJhbGciOiJIUzI1NiJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('tokenExpiry', () => {
  it('reads exp (seconds) as ms, whatever else the payload holds', () => {
    expect(tokenExpiry(jwt({ sub: '5', sid: 'é~?>', exp: 1_800_000_000 }))).toBe(1_800_000_000_000);
  });

  it('is undefined for tokens it cannot read', () => {
    for (const token of ['', 'abc', 'a.b.c', jwt({ sub: '5' }), jwt({ exp: 'soon' }), 'a.%%%.c']) {
      expect(tokenExpiry(token)).toBeUndefined();
    }
  });
});

describe('refreshAt', () => {
  it('falls inside the lifetime, no more than a minute before the end and never in the past', () => {
    fc.assert(
      fc.property(fc.nat(10 ** 12), fc.integer({ min: -(10 ** 8), max: 10 ** 9 }), (now, left) => {
        const at = refreshAt(now + left, now);
        expect(at).toBeGreaterThanOrEqual(now);
        if (left > 0) {
          expect(at).toBeLessThanOrEqual(now + left);
          expect(now + left - at).toBeLessThanOrEqual(60_000);
        }
      }),
    );
    expect(refreshAt(3 * 3600_000, 0)).toBe(3 * 3600_000 - 60_000);
    expect(refreshAt(100_000, 0)).toBe(90_000);
  });
});
