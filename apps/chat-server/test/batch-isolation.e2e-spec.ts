import { MessagesService } from '@chat/messages';
import { QueryRunner } from 'typeorm';
import { ChatClient, Frame, settle } from './support/chat-client';
import { createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const INVALID_FORMAT = { event: 'send user message', message: 'Invalid format' };
const isMessage = (frame: Frame) => !('event' in frame);

/**
 * The writer stores whatever is queued while a batch is in flight as the next batch. These tests
 * hold a batch in the database (a lock on the table) so that the frames sent meanwhile are stored
 * together, one bad row among other users' good ones.
 */
describe('one bad row in a batch of messages', () => {
  let t: TestApp;
  let others: TestUser[];
  let hostile: TestUser;

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '1000', MESSAGE_RATE_BURST: '1000' });
    others = [await createUser(t), await createUser(t), await createUser(t)];
    hostile = await createUser(t);
  });
  afterAll(() => t.close());

  /** Locks the messages table and waits until an INSERT is blocked on it. */
  async function holdWriter(trigger: () => void): Promise<QueryRunner> {
    const lock = t.db.createQueryRunner();
    await lock.connect();
    await lock.startTransaction();
    await lock.query('LOCK TABLE messages IN SHARE MODE');
    trigger();
    for (let i = 0; i < 100; i++) {
      const [{ waiting }] = await t.db.query(
        `SELECT count(*)::int AS waiting FROM pg_locks
          WHERE NOT granted AND relation = 'messages'::regclass`,
      );
      if (waiting > 0) return lock;
      await settle(20);
    }
    throw new Error('the writer never waited on the lock');
  }

  async function release(lock: QueryRunner): Promise<void> {
    await lock.commitTransaction();
    await lock.release();
  }

  const storedWith = async (text: string) =>
    (await t.db.query('SELECT id FROM messages WHERE text = $1', [text])).length;

  it.each([
    ['a NUL', 'bad\u0000id'],
    ['a lone surrogate', 'bad\ud800id'],
    ['a control character', 'bad\u001bid'],
  ])(
    'refuses a client_id with %s as Invalid format; the messages around it are stored and broadcast once',
    async (caseName, badId) => {
      const tag = caseName.replace(/ /g, '-');
      const listener = await ChatClient.connect(t.baseUrl);
      const senders = await Promise.all(
        others.map((user) => ChatClient.connect(t.baseUrl, user.token)),
      );
      const bad = await ChatClient.connect(t.baseUrl, hostile.token);
      const lock = await holdWriter(() => senders[0].send({ message: `${tag} first` }));
      senders.forEach((sender, i) =>
        sender.send({ message: `${tag} ${i}`, client_id: `${tag}-${i}` }),
      );
      bad.send({ message: `${tag} hostile`, client_id: badId });
      senders.forEach((sender, i) => sender.send({ message: `${tag} after ${i}` }));
      await settle(200);
      await release(lock);

      const expected = [
        `${tag} first`,
        ...others.map((_, i) => `${tag} ${i}`),
        ...others.map((_, i) => `${tag} after ${i}`),
      ];
      const received = (await listener.messages(expected.length)).map((f) => f.message);
      await settle();
      expect(listener.frames.filter(isMessage).map((f) => f.message)).toEqual(received);
      expect([...received].sort()).toEqual([...expected].sort());
      for (const text of expected) expect(await storedWith(text)).toBe(1);
      expect(await storedWith(`${tag} hostile`)).toBe(0);
      expect(await bad.next((f) => f.event === 'send user message')).toEqual(INVALID_FORMAT);
      expect((await bad.closed).code).toBe(1008);
      for (const sender of senders) {
        expect(sender.frames.filter((f) => f.event === 'send user message')).toEqual([]);
        sender.close();
      }
      listener.close();
    },
  );

  it('stores and broadcasts the good rows of a batch the database refuses a row of', async () => {
    const messages = t.app.get(MessagesService);
    const listener = await ChatClient.connect(t.baseUrl);
    const lock = await holdWriter(
      () => void messages.send({ userId: others[0].id, text: 'writer held' }),
    );
    // Past frame validation, straight to the writer: what PostgreSQL itself makes of bad rows.
    const writes = [
      messages.send({ userId: others[0].id, text: 'good 1', clientId: 'good-1' }),
      messages.send({ userId: hostile.id, text: 'nul key', clientId: 'nul\u0000key' }),
      messages.send({ userId: others[1].id, text: 'good 2' }),
      messages.send({ userId: hostile.id, text: 'surrogate key', clientId: 'half\ud800' }),
      messages.send({ userId: hostile.id, text: 'nul\u0000text' }),
      messages.send({ userId: others[2].id, text: 'good 3', clientId: 'good-3' }),
    ];
    await settle(100);
    await release(lock);
    const [good1, nulKey, good2, , nulText, good3] = await Promise.allSettled(writes);

    for (const outcome of [good1, good2, good3]) {
      expect(outcome).toMatchObject({ status: 'fulfilled', value: { created: true } });
    }
    expect(nulKey.status).toBe('rejected');
    expect(nulText.status).toBe('rejected');
    const texts = ['writer held', 'good 1', 'good 2', 'good 3'];
    await listener.messages(texts.length);
    await settle();
    const received = listener.frames.filter(isMessage).map((f) => f.message);
    // The surrogate's row is stored (with U+FFFD for the half pair) and so broadcast like any other.
    expect(received.filter((text) => text !== 'surrogate key')).toEqual(texts);
    const ids = listener.frames.filter(isMessage).map((f) => f.message_id as number);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    for (const text of texts) expect(await storedWith(text)).toBe(1);
    expect(await storedWith('nul key')).toBe(0);
    listener.close();
  });
});
