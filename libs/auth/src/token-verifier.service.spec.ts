import { JwtService } from '@nestjs/jwt';
import fc from 'fast-check';
import { AuthenticationError } from '@chat/errors';
import { Role } from '@chat/roles';
import { AuthUser } from './auth-user';
import type { SessionsService, TokenClaims } from './sessions.service';
import { TokenVerifier } from './token-verifier.service';

const SECRET = 'unit-test-secret-of-enough-length-0123456789';
const SESSION = '0b7c2a36-4f1e-4a57-9d0c-6a1f0d3e9b21';
const jwt = new JwtService({
  secret: SECRET,
  signOptions: { algorithm: 'HS256', expiresIn: 60 },
  verifyOptions: { algorithms: ['HS256'] },
});

/** Sessions as the database would answer: only session SESSION of user 7 is live. */
const liveCaller: AuthUser = { id: 7, role: Role.Moderator, sessionId: SESSION };
const sessions = {
  resolveClaims: (claims: TokenClaims) =>
    Promise.resolve(claims.sub === '7' && claims.sid === SESSION ? liveCaller : null),
} as unknown as SessionsService;
const verifier = new TokenVerifier(jwt, sessions);

const refusal = (detail: string) => new AuthenticationError(detail);

describe('TokenVerifier', () => {
  it('answers the caller of a live session, with when the token expires', async () => {
    const token = await jwt.signAsync({ sub: '7', sid: SESSION });
    const { exp } = jwt.decode<{ exp: number }>(token);
    await expect(verifier.authenticate(token)).resolves.toEqual({
      ...liveCaller,
      expiresAt: exp * 1000,
    });
    expect(liveCaller).not.toHaveProperty('expiresAt');
  });

  it('refuses a missing token as "Not authenticated"', async () => {
    await expect(verifier.authenticate(null)).rejects.toEqual(refusal('Not authenticated'));
    await expect(verifier.authenticate('')).rejects.toEqual(refusal('Not authenticated'));
  });

  it('refuses an expired token as "Token expired"', async () => {
    const token = await jwt.signAsync({ sub: '7', sid: SESSION }, { expiresIn: -10 });
    await expect(verifier.authenticate(token)).rejects.toEqual(refusal('Token expired'));
  });

  it('refuses a token signed with another secret or another algorithm', async () => {
    const otherSecret = await new JwtService({ secret: `${SECRET}x` }).signAsync({
      sub: '7',
      sid: SESSION,
    });
    const otherAlgorithm = await jwt.signAsync(
      { sub: '7', sid: SESSION },
      { algorithm: 'HS512', secret: SECRET },
    );
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
      `{"sub":"7","sid":"${SESSION}"}`,
    ).toString('base64url')}.`;
    for (const token of [otherSecret, otherAlgorithm, unsigned]) {
      await expect(verifier.authenticate(token)).rejects.toEqual(refusal('Invalid token'));
    }
  });

  it('refuses a well-signed token whose session is not live', async () => {
    const token = await jwt.signAsync({ sub: '8', sid: SESSION });
    await expect(verifier.authenticate(token)).rejects.toEqual(refusal('Invalid token'));
  });

  it('refuses any other string as "Invalid token", never with another error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ minLength: 1, maxLength: 300 }), async (token) => {
        await expect(verifier.authenticate(token)).rejects.toEqual(refusal('Invalid token'));
      }),
      { numRuns: 200 },
    );
  });
});
