import { bearer, createUser, TestUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { RedisProcess } from './support/redis-process';
import { recordFigures } from './support/reliability-report';
import { sleep } from './support/steady-load';
import { TcpProxy } from '../support/tcp-proxy';
import { V2RoomPeer } from '../support/v2-room-peer';

const CUT_MS = 3_000;
const SEND_INTERVAL_MS = 50;
const RUNS = 2;

/**
 * East reaches Redis directly; west through a relay that is cut for 3 s: each instance keeps
 * serving its own clients, and what one published meanwhile never reached the other over Redis.
 */
describe('Redis cut from one instance only, a private room served by both', () => {
  let redis: RedisProcess;
  let proxy: TcpProxy;
  let east: TestApp;
  let west: TestApp;

  beforeAll(async () => {
    redis = await RedisProcess.start();
    proxy = await TcpProxy.start(redis.port);
    const variables = { MESSAGE_RATE_LIMIT: '1000' };
    east = await startTestApp({ ...variables, REDIS_URL: redis.url });
    west = await startTestApp({ ...variables, REDIS_URL: `redis://127.0.0.1:${proxy.port}` }, east);
  });
  afterAll(async () => {
    await west.close();
    await east.close();
    await proxy.close();
    await redis.kill();
  });

  it('loses nothing, repeats nothing, and every member sees the room numbered without a gap', async () => {
    const users: TestUser[] = [];
    for (let i = 0; i < 6; i++) users.push(await createUser(east));
    const [owner, member, outsider] = [users[0], users.slice(1, 4), users[4]];
    const room = await east.http
      .post('/api/v1/rooms')
      .set(...bearer(owner))
      .send({ name: 'partitioned', kind: 'private' })
      .expect(201);
    const roomId = room.body.id as number;
    for (const user of member) {
      await east.http
        .post(`/api/v1/rooms/${roomId}/members`)
        .set(...bearer(owner))
        .send({ user_id: user.id })
        .expect(201);
    }
    // A sender and a listener on each side, and a non-member on each side.
    const peers = await Promise.all([
      V2RoomPeer.connect(owner, east.baseUrl),
      V2RoomPeer.connect(member[0], west.baseUrl),
      V2RoomPeer.connect(member[1], east.baseUrl),
      V2RoomPeer.connect(member[2], west.baseUrl),
    ]);
    const outsiders = await Promise.all([
      V2RoomPeer.connect(outsider, east.baseUrl),
      V2RoomPeer.connect(outsider, west.baseUrl),
    ]);
    const [eastSender, westSender] = peers;
    const sent: [V2RoomPeer, string][] = [];
    let sequence = 0;
    const timer = setInterval(() => {
      sequence++;
      for (const [index, sender] of [eastSender, westSender].entries()) {
        const clientId = `partition-${index}-${sequence}`;
        sent.push([sender, clientId]);
        sender.send(roomId, clientId, `message ${sequence} from ${index}`);
      }
    }, SEND_INTERVAL_MS);
    const recoverySeconds: number[] = [];
    try {
      for (let run = 0; run < RUNS; run++) {
        await sleep(1_000);
        proxy.cut();
        await sleep(CUT_MS);
        proxy.restore();
        const restoredAt = Date.now();
        await untilEveryoneHasAll(peers, roomId, 20_000);
        recoverySeconds.push((Date.now() - restoredAt) / 1000);
      }
    } finally {
      clearInterval(timer);
    }
    await sleep(500);
    for (const [sender, clientId] of sent) sender.send(roomId, clientId, 'again');
    await untilAcknowledged(sent, 10_000);
    await untilEveryoneHasAll(peers, roomId, 10_000);

    const acknowledged = new Set(
      sent.map(([sender, clientId]) => sender.acknowledged.get(clientId)),
    );
    const rows = await east.db.query(
      `SELECT id::int AS id, seq::int AS seq FROM messages WHERE room_id = $1 ORDER BY seq`,
      [roomId],
    );
    let lost = [...acknowledged].filter(
      (id) => !rows.some((row: { id: number }) => row.id === id),
    ).length;
    let duplicated = rows.length - acknowledged.size;
    for (const peer of peers) {
      const received = peer.messageIdsIn(roomId);
      const distinct = new Set(received);
      duplicated += received.length - distinct.size;
      lost += [...acknowledged].filter((id) => !distinct.has(id!)).length;
      const seqs = peer.seqsIn(roomId);
      expect(seqs.every((seq, i) => i === 0 || seq === seqs[i - 1] + 1)).toBe(true);
    }
    recordFigures({
      scenario: 'Redis cut from one of two instances for 3 s, a private room on both',
      runs: RUNS,
      acknowledged: acknowledged.size,
      lost,
      duplicated,
      recoverySeconds,
    });
    expect({ lost, duplicated }).toEqual({ lost: 0, duplicated: 0 });
    for (const other of outsiders) expect(other.seqsIn(roomId)).toEqual([]);
    for (const peer of [...peers, ...outsiders]) peer.close();
  });
});

/** Waits until every acknowledged message so far reached every peer. */
async function untilEveryoneHasAll(peers: V2RoomPeer[], roomId: number, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const acknowledged = peers.flatMap((peer) => [...peer.acknowledged.values()]);
    const missing = peers.some((peer) => {
      const received = new Set(peer.messageIdsIn(roomId));
      return acknowledged.some((id) => !received.has(id));
    });
    if (!missing) return;
    if (Date.now() > deadline) throw new Error('Acknowledged messages never reached every member');
    await sleep(100);
  }
}

async function untilAcknowledged(sent: [V2RoomPeer, string][], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (sent.some(([sender, clientId]) => !sender.acknowledged.has(clientId))) {
    if (Date.now() > deadline) throw new Error('Messages never acknowledged');
    await sleep(100);
  }
}
