// The SDK (@chat/client) as apps use it, with its users on two instances joined by Redis: a room
// made and joined over HTTP on one instance reaches a member's socket on the other, messages sent
// on either arrive once and in order everywhere, and a client that moves to the other instance
// resumes the room where it left off.
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';
import { ChatClient, MessageNewFrame } from '@chat/client';
import { createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PER_SENDER = 30;

describe('SDK clients on two instances', () => {
  let east: TestApp;
  let west: TestApp;
  const clients: ChatClient[] = [];

  beforeAll(async () => {
    const variables = { REDIS_URL, REDIS_PREFIX: `chat-test-${randomBytes(4).toString('hex')}:` };
    east = await startTestApp(variables);
    west = await startTestApp(variables, east);
  });
  afterAll(async () => {
    clients.forEach((client) => client.close());
    await west.close();
    await east.close();
  });

  const connect = async (app: TestApp, user: TestUser, roomFrom?: [number, number]) => {
    const client = new ChatClient({ url: app.baseUrl, token: user.token, WebSocket });
    clients.push(client);
    if (roomFrom) client.follow(...roomFrom);
    const heard: MessageNewFrame[] = [];
    client.on('message.new', (frame) => heard.push(frame));
    await client.connect();
    return { client, heard };
  };
  const until = async (check: () => boolean, what: string) => {
    for (let attempt = 0; attempt < 200 && !check(); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    if (!check()) throw new Error(`never: ${what}`);
  };
  const textsIn = (heard: MessageNewFrame[], roomId: number) =>
    heard.filter((frame) => frame.room_id === roomId).map((frame) => frame.message.message);

  it('delivers each message once and in order to members on both instances', async () => {
    const [ann, bob] = [await createUser(east), await createUser(east)];
    const a = await connect(east, ann);
    const b = await connect(west, bob);
    const added: number[] = [];
    b.client.on('room.added', (frame) => added.push(frame.room_id));

    const room = await a.client.http.createRoom({
      name: `sdk-${randomBytes(3).toString('hex')}`,
      kind: 'private',
    });
    await a.client.http.addMember(room.id, bob.id);
    await until(() => added.includes(room.id), 'bob (west) told of the room made on east');

    const sends = [];
    for (let i = 0; i < PER_SENDER; i++) {
      sends.push(a.client.send(room.id, `ann ${i}`), b.client.send(room.id, `bob ${i}`));
    }
    const stored = await Promise.all(sends);
    const expected = stored.sort((x, y) => x.seq - y.seq).map((message) => message.message);

    for (const peer of [a, b]) {
      await until(() => textsIn(peer.heard, room.id).length >= expected.length, 'every message');
      expect(textsIn(peer.heard, room.id)).toEqual(expected);
    }
    // Each sender's messages in the order it sent them.
    const annOrder = expected.filter((text) => text.startsWith('ann '));
    expect(annOrder).toEqual(Array.from({ length: PER_SENDER }, (_, i) => `ann ${i}`));
  });

  it('resumes a room from where it left off when the client comes back on the other instance', async () => {
    const [ann, bob] = [await createUser(east), await createUser(east)];
    const a = await connect(east, ann);
    const room = await a.client.http.createRoom({
      name: `sdk-${randomBytes(3).toString('hex')}`,
      kind: 'private',
    });
    await a.client.http.addMember(room.id, bob.id);
    const first = await connect(west, bob);
    await a.client.send(room.id, 'while bob is here');
    await until(() => textsIn(first.heard, room.id).length === 1, 'the first message on west');
    const leftAt = first.client.lastSeq(room.id)!;
    first.client.close();

    await a.client.send(room.id, 'while bob is away 1');
    await a.client.send(room.id, 'while bob is away 2');
    const back = await connect(east, bob, [room.id, leftAt]);
    await until(() => textsIn(back.heard, room.id).length === 2, 'the missed messages on east');
    await a.client.send(room.id, 'after bob is back');
    await until(() => textsIn(back.heard, room.id).length === 3, 'the live message');
    expect(textsIn(back.heard, room.id)).toEqual([
      'while bob is away 1',
      'while bob is away 2',
      'after bob is back',
    ]);
  });
});
