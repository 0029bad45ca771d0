import { randomBytes } from 'node:crypto';
import { sign } from 'jsonwebtoken';
import { AppConfig, validateEnvironment } from '@chat/config';
import { ChatClient, settle } from '../support/chat-client';
import { bearer, createUser, login, TestUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { recordChecks } from './support/reliability-report';

interface Claims {
  sub: string;
  sid: string;
}

/** The secret any development server signs with: it is in the repository. */
const PUBLIC_SECRET = new AppConfig(validateEnvironment({ NODE_ENV: 'development' })).jwtSecret;

const claimsOf = (token: string): Claims =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Claims;

describe('forged, stale and revoked tokens', () => {
  let t: TestApp;
  let secret: string;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ JWT_SECRET: randomBytes(32).toString('hex') });
    secret = t.app.get(AppConfig).jwtSecret;
    alice = await createUser(t);
    bob = await createUser(t);
  });
  afterAll(() => t.close());

  async function attacks(): Promise<Record<string, string>> {
    const claims = claimsOf(alice.token);
    const [header, payload, signature] = alice.token.split('.');
    const flipped = `${signature.slice(0, -2)}${signature.endsWith('AA') ? 'BB' : 'AA'}`;
    const asBob = Buffer.from(JSON.stringify({ ...claims, sub: String(bob.id) })).toString(
      'base64url',
    );
    const unsigned = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const revoked = await login(t, alice.name, alice.password);
    await t.http
      .post('/user/logout')
      .set(...bearer(revoked))
      .expect(200);
    return {
      'tampered signature': `${header}.${payload}.${flipped}`,
      'payload changed to another user': `${header}.${asBob}.${signature}`,
      'alg none': `${unsigned}.${payload}.`,
      'HS256 with the public development secret': sign(claims, PUBLIC_SECRET),
      'HS256 with an empty-looking secret': sign(claims, 'secret'),
      'HS512 with the real secret': sign(claims, secret, { algorithm: 'HS512' }),
      expired: sign({ ...claims, exp: now - 10 }, secret),
      'not yet valid': sign({ ...claims, nbf: now + 3600 }, secret),
      "another user's session id": sign({ sub: String(bob.id), sid: claims.sid }, secret),
      'revoked by logout': revoked.token,
      'not a JWT': 'definitely-not-a-token',
    };
  }

  it('refuses every one on HTTP with 401, and the real token still works', async () => {
    const refused: string[] = [];
    for (const [name, token] of Object.entries(await attacks())) {
      const response = await t.http.get('/user/me').set('Authorization', `Bearer ${token}`);
      if (response.status !== 401) refused.push(`${name}: ${response.status}`);
    }
    expect(refused).toEqual([]);
    await t.http
      .get('/user/me')
      .set(...bearer(alice))
      .expect(200);
  });

  it('refuses every one on the socket, at connect and in a frame, storing nothing', async () => {
    const entries = Object.entries(await attacks());
    const accepted: string[] = [];
    for (const [name, token] of entries) {
      const atConnect = await ChatClient.connect(t.baseUrl, token);
      const inFrame = await ChatClient.connect(t.baseUrl);
      inFrame.send({ message: `forged: ${name}`, token });
      for (const [where, client] of [
        ['at connect', atConnect],
        ['in a frame', inFrame],
      ] as const) {
        const closed = await Promise.race([client.closed, settle(3_000).then(() => null)]);
        if (closed?.code !== 1008 || client.frames[0]?.message !== 'Invalid token') {
          accepted.push(`${name} ${where}: ${JSON.stringify(closed)}`);
        }
        client.socket.terminate();
      }
    }
    expect(accepted).toEqual([]);
    expect(await t.db.query("SELECT id FROM messages WHERE text LIKE 'forged:%'")).toEqual([]);
    recordChecks(
      `Forged, stale and revoked tokens (${entries.length} kinds, HTTP and socket)`,
      entries.length * 3,
    );
  });
});
