import { bearer, createUser, TestUser } from '../support/factories';
import { ServerProcess, startBuiltServer } from '../support/server-processes';
import { startTestApp, TestApp } from '../support/test-app';
import { Frame, V2Client } from '../support/v2-client';
import { RedisProcess } from './support/redis-process';
import { recordChecks } from './support/reliability-report';
import { sleep } from './support/steady-load';

/** The heartbeat's lifetime for this test: its users must be swept well within 30 s. */
const INSTANCE_TTL_SECONDS = '3';
const OFFLINE_WITHIN_MS = 30_000;

/**
 * Two instances over Redis, one of them a built server process that is SIGKILLed: it cannot say
 * goodbye, so its users' sockets stay in Redis until the survivor finds its heartbeat expired and
 * sweeps them.
 */
describe('presence when one of two instances is killed (SIGKILL)', () => {
  let redis: RedisProcess;
  let survivor: TestApp;
  let doomed: ServerProcess;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    const variables = {
      REDIS_URL: redis.url,
      PRESENCE_INSTANCE_TTL_SECONDS: INSTANCE_TTL_SECONDS,
      WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
    };
    survivor = await startTestApp(variables);
    doomed = await startBuiltServer(survivor.databaseUrl, {
      ...variables,
      MIGRATE_ON_START: 'false',
    });
  });
  afterAll(async () => {
    if (doomed.server.exitCode === null && doomed.server.signalCode === null) {
      doomed.server.kill('SIGKILL');
    }
    await survivor.close();
    await redis.kill();
  });

  it("marks the killed instance's users offline on the other, and no one else", async () => {
    const [alice, carol, dave, watcher] = await Promise.all(
      [1, 2, 3, 4].map(() => createUser(survivor)),
    );
    const clients: V2Client[] = [];
    const connect = async (baseUrl: string, user: TestUser) => {
      const client = await V2Client.connect(baseUrl, user);
      clients.push(client);
      return client;
    };
    try {
      const watching = await connect(survivor.baseUrl, watcher);
      await connect(doomed.baseUrl, alice);
      await connect(doomed.baseUrl, alice);
      await connect(doomed.baseUrl, carol);
      await connect(doomed.baseUrl, dave);
      await connect(survivor.baseUrl, dave);
      for (const user of [alice, carol, dave]) {
        await untilFrame(watching, isPresence(user, 'online'), 10_000);
      }

      const from = watching.frames.length;
      doomed.server.kill('SIGKILL');
      const killedAt = Date.now();
      for (const user of [alice, carol]) {
        await untilFrame(watching, isPresence(user, 'offline'), OFFLINE_WITHIN_MS, from);
      }
      const seconds = (Date.now() - killedAt) / 1000;

      const answer = await survivor.http
        .get(`/api/v1/presence?user_ids=${alice.id},${carol.id},${dave.id}`)
        .set(...bearer(watcher))
        .expect(200);
      expect(answer.body.presence.map((entry: { status: string }) => entry.status)).toEqual([
        'offline',
        'offline',
        'online',
      ]);
      // Dave has a socket on the survivor: he never went offline, and each change came once.
      const after = watching.frames.slice(from);
      expect(after.filter(isPresence(dave, 'offline'))).toEqual([]);
      expect(after.filter(isPresence(alice, 'offline'))).toHaveLength(1);
      recordChecks(
        `One of two instances SIGKILLed (heartbeat ${INSTANCE_TTL_SECONDS} s): its users offline on the other`,
        1,
        [seconds],
      );
    } finally {
      for (const client of clients) client.close();
    }
  });
});

const isPresence = (user: TestUser, status: string) => (frame: Frame) =>
  frame.type === 'presence' && frame.user_id === user.id && frame.status === status;

async function untilFrame(
  client: V2Client,
  predicate: (frame: Frame) => boolean,
  withinMs: number,
  from = 0,
): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!client.frames.slice(from).some(predicate)) {
    if (Date.now() > deadline) {
      throw new Error(
        `not within ${withinMs} ms; got ${JSON.stringify(client.frames.slice(from))}`,
      );
    }
    await sleep(50);
  }
}
