import { bearer, createUser, loginAdmin } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { TcpProxy } from '../support/tcp-proxy';
import { V2Client } from '../support/v2-client';
import { RedisProcess } from './support/redis-process';

/** How long after Redis comes back the banned user's socket must be gone. */
const CLOSED_WITHIN_MS = 15_000;

/**
 * A ban made while one instance is cut from Redis: that instance never hears the revocation, so
 * when its link comes back it reads its sockets' sessions again and closes the ended ones.
 */
describe('a ban while one instance is cut from Redis', () => {
  let redis: RedisProcess;
  let proxy: TcpProxy;
  let east: TestApp;
  let west: TestApp;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    proxy = await TcpProxy.start(redis.port);
    east = await startTestApp({ REDIS_URL: redis.url });
    west = await startTestApp({ REDIS_URL: `redis://127.0.0.1:${proxy.port}` }, east);
  });
  afterAll(async () => {
    await west.close();
    await east.close();
    await proxy.close();
    await redis.kill();
  });

  it("closes the banned user's socket on that instance once its link is back", async () => {
    const admin = await loginAdmin(east);
    const user = await createUser(east);
    const socket = await V2Client.connect(west.baseUrl, user);
    try {
      proxy.cut();
      await east.http
        .post('/api/v1/moderation/bans')
        .set(...bearer(admin))
        .send({ user_id: user.id, reason: 'while cut' })
        .expect(201);
      proxy.restore();
      let timer: NodeJS.Timeout | undefined;
      const closed = await Promise.race([
        socket.closed,
        new Promise<null>((resolve) => (timer = setTimeout(() => resolve(null), CLOSED_WITHIN_MS))),
      ]).finally(() => clearTimeout(timer));
      expect(closed).toEqual({ code: 1008, reason: 'Invalid token' });
    } finally {
      socket.close();
    }
  });
});
