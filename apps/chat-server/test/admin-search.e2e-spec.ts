import request from 'supertest';
import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TEST_ADMIN, TestApp } from './support/test-app';
import { roomsApi } from './support/v2-rooms';

const GENERAL = 1;

interface ListedMessage {
  id: string;
  params: { text: string; userId: number; roomId: number };
}

describe("the admin panel's message filter: full-text search", () => {
  let t: TestApp;
  let panel: ReturnType<typeof request.agent>;
  let alice: TestUser;
  let bob: TestUser;

  beforeAll(async () => {
    // The pool's own statement timeout far past the test's: only the panel's search timeout can
    // end the search that waits on a lock below.
    t = await startTestApp({ SEARCH_TIMEOUT_MS: '300', DB_QUERY_TIMEOUT_SECONDS: '600' });
    panel = request.agent(t.baseUrl);
    await panel
      .post('/admin/login')
      .type('form')
      .send({ email: TEST_ADMIN.name, password: TEST_ADMIN.password })
      .expect(302);
    [alice, bob] = [await createUser(t), await createUser(t)];
  });
  afterAll(() => t.close());

  const send = async (by: TestUser, text: string, roomId = GENERAL) => {
    const response = await t.http
      .post(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(by))
      .send({ text })
      .expect(201);
    return String(response.body.message_id);
  };
  /** The Message list action as the panel's page calls it. */
  const list = (query: Record<string, string | number>) =>
    panel.get('/admin/api/resources/Message/actions/list').query(query);
  const listed = async (query: Record<string, string | number>) => {
    const response = await list(query).expect(200);
    const records = response.body.records as ListedMessage[];
    return { records, texts: records.map((r) => r.params.text), total: response.body.meta.total };
  };
  const found = async (text: string) => (await listed({ 'filters.text': text })).texts;

  it('matches English and Russian words by their stem, not as a substring', async () => {
    await send(alice, 'one message about deployments');
    await send(alice, 'новое сообщение пришло');
    expect(await found('messages')).toEqual(['one message about deployments']);
    expect(await found('Deployment')).toEqual(['one message about deployments']);
    expect(await found('сообщения')).toEqual(['новое сообщение пришло']);
    expect(await found('пришли сообщениями')).toEqual(['новое сообщение пришло']);
  });

  it('matches a quoted phrase in its order, a prefix*, and leaves out -words', async () => {
    await send(alice, 'the velvet hammer fell');
    await send(alice, 'a hammer of velvet');
    await send(alice, 'kubernetes upgrade tonight');
    expect(await found('"velvet hammer"')).toEqual(['the velvet hammer fell']);
    expect(await found('velvet hammer')).toEqual(['a hammer of velvet', 'the velvet hammer fell']);
    expect(await found('velvet -fell')).toEqual(['a hammer of velvet']);
    expect(await found('kuber*')).toEqual(['kubernetes upgrade tonight']);
    expect(await found('upgr* kubern*')).toEqual(['kubernetes upgrade tonight']);
    expect(await found('kuber')).toEqual([]);
  });

  it('finds messages in every room, private ones and DMs included', async () => {
    const secret = await roomsApi(t).privateWith(alice, bob);
    const dm = await t.http
      .post('/api/v1/dms')
      .set(...bearer(alice))
      .send({ user_id: bob.id })
      .expect(201);
    await send(alice, 'the zanzibar plan is ready', secret);
    await send(bob, 'zanzibar by direct message', dm.body.id);
    const { records } = await listed({ 'filters.text': 'zanzibar' });
    expect(records.map((r) => [r.params.text, r.params.roomId])).toEqual([
      ['zanzibar by direct message', dm.body.id],
      ['the zanzibar plan is ready', secret],
    ]);
  });

  it('answers any text with a list, never an error', async () => {
    await send(alice, 'the quokka password');
    const hostile: [string, string[]][] = [
      ['a & | ! ( ) :*', []],
      ["quokka & | ! ( ) :* ' <->", ['the quokka password']],
      ['"quokka password', ['the quokka password']],
      ['quokka"', ['the quokka password']],
      ['quokka\\', ['the quokka password']],
      ['\\\\ \\', []],
      ['quok*:* pass*\\', ['the quokka password']],
      ['the of and', []],
      ['-quokka', []],
      ['*', []],
      ['ab*', []],
      ["'; DROP TABLE messages; --", []],
      ['quokka '.repeat(300), ['the quokka password']],
    ];
    for (const [text, expected] of hostile) {
      const { texts, total } = await listed({ 'filters.text': text });
      expect({ text, texts, total }).toEqual({ text, texts: expected, total: expected.length });
    }
    // A hand-made URL can make the filter an object: nothing to search.
    expect((await listed({ 'filters.text~~from': 'quokka' })).texts).toEqual([]);
  });

  it('combines with the author and date filters', async () => {
    await send(alice, 'heron at dawn');
    await send(bob, 'heron at dusk');
    await send(bob, 'egret at dusk');
    const byBob = await listed({ 'filters.text': 'heron', 'filters.userId': bob.id });
    expect(byBob.texts).toEqual(['heron at dusk']);
    expect(byBob.total).toBe(1);
    expect(byBob.records[0].params.userId).toBe(bob.id);
    const hour = 3600_000;
    const since = (ms: number) => new Date(Date.now() + ms).toISOString();
    expect(await found('heron')).toEqual(['heron at dusk', 'heron at dawn']);
    const recent = await listed({
      'filters.text': 'heron',
      'filters.createdAt~~from': since(-hour),
    });
    expect(recent.texts).toEqual(['heron at dusk', 'heron at dawn']);
    const future = await listed({
      'filters.text': 'heron',
      'filters.createdAt~~from': since(hour),
    });
    expect(future).toMatchObject({ texts: [], total: 0 });
  });

  it('counts all matches and pages through them in order', async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 7; i++) {
      ids.push(await send(i % 2 ? alice : bob, `pelican number ${i}`));
      await send(alice, `cormorant number ${i}`);
    }
    const newestFirst = [...ids].reverse();
    const pages: string[][] = [];
    for (let page = 1; page <= 3; page++) {
      const { records, total } = await listed({ 'filters.text': 'pelicans', perPage: 3, page });
      expect(total).toBe(7);
      pages.push(records.map((r) => r.id));
    }
    expect(pages).toEqual([newestFirst.slice(0, 3), newestFirst.slice(3, 6), newestFirst.slice(6)]);
    const oldestFirst = await listed({
      'filters.text': 'pelican',
      sortBy: 'id',
      direction: 'asc',
      perPage: 4,
      page: 2,
    });
    expect(oldestFirst.records.map((r) => r.id)).toEqual(ids.slice(4));
    const byAlice = await listed({ 'filters.text': 'pelican', 'filters.userId': alice.id });
    expect(byAlice.total).toBe(4);
  });

  it('cuts a search off at SEARCH_TIMEOUT_MS with an empty page and a notice', async () => {
    await send(alice, 'the gannet dives');
    // Another session holds the messages table: the search waits for it until the timeout.
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
      const response = await list({ 'filters.text': 'gannet' }).expect(200);
      expect(response.body.records).toEqual([]);
      expect(response.body.notice).toMatchObject({ type: 'error' });
      expect(response.body.notice.message).toMatch(/took too long/);
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
    expect(await found('gannet')).toEqual(['the gannet dives']);
  });
});
