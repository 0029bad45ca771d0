import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { V2RoomPeer } from './support/v2-room-peer';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Two instances over Redis, serving rooms whose members sit on either or on one only. */
describe('rooms across two instances', () => {
  const prefix = `chat-test-${randomBytes(4).toString('hex')}:`;
  let east: TestApp;
  let west: TestApp;
  let redis: Redis;

  beforeAll(async () => {
    const variables = { REDIS_URL, REDIS_PREFIX: prefix };
    east = await startTestApp(variables);
    west = await startTestApp(variables, east);
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await west.close();
    await east.close();
  });

  const createRoom = async (owner: TestUser, members: TestUser[]) => {
    const room = await east.http
      .post('/api/v1/rooms')
      .set(...bearer(owner))
      .send({ name: `room-${randomBytes(3).toString('hex')}`, kind: 'private' })
      .expect(201);
    for (const member of members) {
      await east.http
        .post(`/api/v1/rooms/${room.body.id}/members`)
        .set(...bearer(owner))
        .send({ user_id: member.id })
        .expect(201);
    }
    return room.body.id as number;
  };
  const subscribers = async (roomId: number) =>
    Number(
      ((await redis.call('PUBSUB', 'NUMSUB', `${prefix}room:${roomId}`)) as [string, number])[1],
    );
  const until = async (check: () => Promise<boolean> | boolean, what: string) => {
    for (let attempt = 0; attempt < 100; attempt++) {
      if (await check()) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`never: ${what}`);
  };

  it('lets members on different instances chat in a private room; non-members on either get nothing', async () => {
    const [ann, bob, eve] = [
      await createUser(east),
      await createUser(east),
      await createUser(east),
    ];
    const roomId = await createRoom(ann, [bob]);
    const annOnEast = await V2RoomPeer.connect(ann, east.baseUrl);
    const bobOnWest = await V2RoomPeer.connect(bob, west.baseUrl);
    const eveOnEast = await V2RoomPeer.connect(eve, east.baseUrl);
    const eveOnWest = await V2RoomPeer.connect(eve, west.baseUrl);
    await until(async () => (await subscribers(roomId)) === 2, 'both instances subscribed');

    annOnEast.send(roomId, 'a1', 'hello from east');
    bobOnWest.send(roomId, 'b1', 'hello from west');
    const ids = async () => [
      ...annOnEast.acknowledged.values(),
      ...bobOnWest.acknowledged.values(),
    ];
    await until(async () => (await ids()).length === 2, 'both acknowledged');
    for (const peer of [annOnEast, bobOnWest]) {
      await until(() => peer.messageIdsIn(roomId).length === 2, 'both delivered');
      expect(new Set(peer.messageIdsIn(roomId))).toEqual(new Set(await ids()));
      expect(peer.seqsIn(roomId)).toHaveLength(2);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(eveOnEast.seqsIn(roomId)).toEqual([]);
    expect(eveOnWest.seqsIn(roomId)).toEqual([]);
    for (const peer of [annOnEast, bobOnWest, eveOnEast, eveOnWest]) peer.close();
  });

  it("subscribes an instance to a room's channel only while a member's socket is there", async () => {
    const [ann, bob] = [await createUser(east), await createUser(east)];
    const roomId = await createRoom(ann, [bob]);
    const annOnEast = await V2RoomPeer.connect(ann, east.baseUrl);
    await until(async () => (await subscribers(roomId)) === 1, 'east subscribed');
    // Traffic of the room reaches Redis, but only east listens: west receives none of it.
    annOnEast.send(roomId, 'x1', 'only east serves this room');
    await until(() => annOnEast.acknowledged.size === 1, 'acknowledged');
    expect(await subscribers(roomId)).toBe(1);

    const bobOnWest = await V2RoomPeer.connect(bob, west.baseUrl);
    await until(async () => (await subscribers(roomId)) === 2, 'west subscribed for bob');
    bobOnWest.close();
    await until(async () => (await subscribers(roomId)) === 1, 'west unsubscribed after bob left');
    annOnEast.close();
    await until(async () => (await subscribers(roomId)) === 0, 'east unsubscribed');
  });

  it('brings a member added on one instance into the room on the other at once', async () => {
    const [ann, bob] = [await createUser(east), await createUser(east)];
    const roomId = await createRoom(ann, []);
    const annOnEast = await V2RoomPeer.connect(ann, east.baseUrl);
    const bobOnWest = await V2RoomPeer.connect(bob, west.baseUrl);
    await east.http
      .post(`/api/v1/rooms/${roomId}/members`)
      .set(...bearer(ann))
      .send({ user_id: bob.id })
      .expect(201);
    await until(() => bobOnWest.seqsIn(roomId).length > 0, 'room.added on west');
    await until(async () => (await subscribers(roomId)) === 2, 'west subscribed');
    annOnEast.send(roomId, 'after-add', 'welcome');
    await until(() => bobOnWest.messageIdsIn(roomId).length === 1, 'message on west');

    await east.http
      .delete(`/api/v1/rooms/${roomId}/members/${bob.id}`)
      .set(...bearer(ann))
      .expect(204);
    await until(async () => (await subscribers(roomId)) === 1, 'west unsubscribed after removal');
    annOnEast.send(roomId, 'after-remove', 'bob is gone');
    await until(() => annOnEast.acknowledged.size === 2, 'acknowledged');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bobOnWest.messageIdsIn(roomId)).toHaveLength(1);
    annOnEast.close();
    bobOnWest.close();
  });
});
