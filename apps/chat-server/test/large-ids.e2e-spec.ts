import { MessagesService } from '@chat/messages';
import { ChatClient } from './support/chat-client';
import { createUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

/** Past the largest 32-bit integer; message ids are bigint. */
const LARGE_ID = 3_000_000_000;

describe('message ids past 2^31', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ RESUME_MAX_MESSAGES: '1' });
    await t.db.query(`SELECT setval(pg_get_serial_sequence('messages', 'id'), $1)`, [LARGE_ID]);
  });
  afterAll(() => t.close());

  it('are stored, broadcast, read back as the newest id and reported by resume', async () => {
    const user = await createUser(t);
    const client = await ChatClient.connect(t.baseUrl, user.token);
    client.send({ message: 'first' });
    client.send({ message: 'second' });
    const [first, second] = await client.messages(2);
    expect(first.message_id).toBe(LARGE_ID + 1);
    expect(second.message_id).toBe(LARGE_ID + 2);
    expect(await t.app.get(MessagesService).latestId()).toBe(LARGE_ID + 2);

    client.send({ action: 'resume', after_id: LARGE_ID });
    expect(await client.next((f) => f.event === 'resume')).toEqual({
      event: 'resume',
      recovered: false,
      latest_id: LARGE_ID + 2,
    });
    client.close();
  });
});
