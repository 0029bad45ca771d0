import { bearer, createUser, TestUser } from '../support/factories';
import { ServerProcess, startBuiltServer, stopProcess } from '../support/server-processes';
import { startTestApp, TestApp } from '../support/test-app';
import { Frame, V2Client } from '../support/v2-client';
import { roomsApi } from '../support/v2-rooms';
import { RedisProcess } from './support/redis-process';
import { recordChecks } from './support/reliability-report';
import { sleep } from './support/steady-load';

/** The heartbeat's lifetime for this test: its users must be swept well within 30 s. */
const INSTANCE_TTL_SECONDS = '3';
const OFFLINE_WITHIN_MS = 30_000;
/** A graceful stop tells the others itself, without waiting for its heartbeat to expire. */
const STOPPED_OFFLINE_WITHIN_MS = 2_000;

/**
 * Two instances over Redis, one of them a built server process that goes away: SIGKILLed, it
 * cannot say goodbye, so its users' sockets stay in Redis until the survivor finds its heartbeat
 * expired and sweeps them; stopped (SIGTERM), it tells the others as it closes its sockets.
 */
describe('presence when one of two instances goes away', () => {
  let redis: RedisProcess;
  let survivor: TestApp;
  let other: ServerProcess;
  const variables = {
    PRESENCE_INSTANCE_TTL_SECONDS: INSTANCE_TTL_SECONDS,
    WS_MAX_CONNECTIONS_PER_ADDRESS: '1000',
  };

  beforeAll(async () => {
    redis = await RedisProcess.start();
    survivor = await startTestApp({ ...variables, REDIS_URL: redis.url });
  });
  beforeEach(async () => {
    other = await startBuiltServer(survivor.databaseUrl, {
      ...variables,
      REDIS_URL: redis.url,
      MIGRATE_ON_START: 'false',
    });
  });
  afterEach(() => {
    if (other.server.exitCode === null && other.server.signalCode === null) {
      other.server.kill('SIGKILL');
    }
  });
  afterAll(async () => {
    await survivor.close();
    await redis.kill();
  });

  /**
   * Alice (two sockets) and carol on the other instance, dave on both, a watcher on the survivor:
   * `stop` ends the other instance; alice and carol must be offline within `withinMs` and dave
   * never. The seconds it took.
   */
  async function loseInstance(stop: () => Promise<void>, withinMs: number): Promise<number> {
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
      await connect(other.baseUrl, alice);
      await connect(other.baseUrl, alice);
      await connect(other.baseUrl, carol);
      await connect(other.baseUrl, dave);
      await connect(survivor.baseUrl, dave);
      for (const user of [alice, carol, dave]) {
        await untilFrame(watching, isPresence(user, 'online'), 10_000);
      }

      const from = watching.frames.length;
      const stoppedAt = Date.now();
      await stop();
      for (const user of [alice, carol]) {
        await untilFrame(watching, isPresence(user, 'offline'), withinMs, from);
      }
      const seconds = (Date.now() - stoppedAt) / 1000;

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
      return seconds;
    } finally {
      for (const client of clients) client.close();
    }
  }

  it("marks a SIGKILLed instance's users offline on the other within 30 s, and no one else", async () => {
    const seconds = await loseInstance(async () => {
      other.server.kill('SIGKILL');
    }, OFFLINE_WITHIN_MS);
    recordChecks(
      `One of two instances SIGKILLed (heartbeat ${INSTANCE_TTL_SECONDS} s): its users offline on the other`,
      1,
      [seconds],
    );
  });

  it("marks a stopped instance's users offline on the other as it stops", async () => {
    await loseInstance(() => stopProcess(other.server), STOPPED_OFFLINE_WITHIN_MS);
  });

  it('marks offline, as it stops, a user whose client never answers the close', async () => {
    const [alice, watcher] = await Promise.all([1, 2].map(() => createUser(survivor)));
    await roomsApi(survivor).privateWith(alice, watcher);
    const watching = await V2Client.connect(survivor.baseUrl, watcher);
    const aliceThere = await V2Client.connect(other.baseUrl, alice);
    try {
      await untilFrame(watching, isPresence(alice, 'online'), 10_000);
      // Alice's network is gone: her client reads nothing more, so it never answers the 1001.
      (aliceThere.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const from = watching.frames.length;
      await stopProcess(other.server);
      await untilFrame(watching, isPresence(alice, 'offline'), STOPPED_OFFLINE_WITHIN_MS, from);
    } finally {
      watching.close();
      aliceThere.socket.terminate();
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
