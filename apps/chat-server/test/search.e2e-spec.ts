import type { SearchAnswer } from '@chat/protocol';
import { SEARCH_WINDOW } from '@chat/search';
import { bearer, createUser, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';
import { roomsApi } from './support/v2-rooms';

const GENERAL = 1;

describe('GET /api/v1/search', () => {
  let t: TestApp;
  let alice: TestUser;
  let bob: TestUser;
  let eve: TestUser;
  let rooms: ReturnType<typeof roomsApi>;

  beforeAll(async () => {
    t = await startTestApp();
    rooms = roomsApi(t);
    [alice, bob, eve] = [await createUser(t), await createUser(t), await createUser(t)];
  });
  afterAll(() => t.close());

  const send = async (by: TestUser, roomId: number, text: string) => {
    const response = await t.http
      .post(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(by))
      .send({ text })
      .expect(201);
    return response.body.message_id as number;
  };
  const search = (by: TestUser, query: Record<string, string | number>) =>
    t.http
      .get('/api/v1/search')
      .query(query)
      .set(...bearer(by));
  const found = async (by: TestUser, query: Record<string, string | number>) => {
    const response = await search(by, query).expect(200);
    return (response.body as SearchAnswer).results.map((hit) => hit.message.message);
  };

  describe('privacy', () => {
    it("never finds a private room's words for a non-member, and finds them for members", async () => {
      const secret = await rooms.privateWith(alice, bob);
      await send(alice, secret, 'the zanzibar plan is ready');
      expect(await found(alice, { q: 'zanzibar' })).toEqual(['the zanzibar plan is ready']);
      expect(await found(bob, { q: 'zanzibar' })).toEqual(['the zanzibar plan is ready']);
      expect(await found(eve, { q: 'zanzibar' })).toEqual([]);
      expect(await found(eve, { q: 'zanzibar*' })).toEqual([]);
      await search(eve, { q: 'zanzibar', room_id: secret }).expect(404);
    });

    it("finds a DM's words only for its two members", async () => {
      const dm = await t.http
        .post('/api/v1/dms')
        .set(...bearer(alice))
        .send({ user_id: bob.id })
        .expect(201);
      await send(bob, dm.body.id, 'the quokka password');
      expect(await found(alice, { q: 'quokka' })).toEqual(['the quokka password']);
      expect(await found(bob, { q: 'quokka' })).toEqual(['the quokka password']);
      expect(await found(eve, { q: 'quokka' })).toEqual([]);
    });

    it('finds nothing of a room the caller left, and asks them to join a public room first', async () => {
      const open = await rooms.create(alice, 'public');
      await rooms.join(open, eve);
      await send(alice, open, 'a wombat appears');
      expect(await found(eve, { q: 'wombat' })).toEqual(['a wombat appears']);
      await rooms.leave(open, eve);
      expect(await found(eve, { q: 'wombat' })).toEqual([]);
      const refused = await search(eve, { q: 'wombat', room_id: open }).expect(403);
      expect(refused.body.detail).toBe('Join the room first');
    });

    it('finds the general room for everyone', async () => {
      await send(alice, GENERAL, 'everyone sees the narwhal');
      expect(await found(eve, { q: 'narwhal' })).toEqual(['everyone sees the narwhal']);
    });
  });

  describe('words', () => {
    it('matches English and Russian words by their stem', async () => {
      await send(alice, GENERAL, 'one message about deployments');
      await send(alice, GENERAL, 'новое сообщение пришло');
      expect(await found(bob, { q: 'messages deployment' })).toEqual([
        'one message about deployments',
      ]);
      expect(await found(bob, { q: 'сообщения' })).toEqual(['новое сообщение пришло']);
      expect(await found(bob, { q: 'пришли сообщениями' })).toEqual(['новое сообщение пришло']);
    });

    it('matches a quoted phrase only in its order', async () => {
      await send(alice, GENERAL, 'the velvet hammer fell');
      await send(alice, GENERAL, 'a hammer of velvet');
      expect(await found(bob, { q: '"velvet hammer"' })).toEqual(['the velvet hammer fell']);
      expect((await found(bob, { q: 'velvet hammer' })).sort()).toEqual([
        'a hammer of velvet',
        'the velvet hammer fell',
      ]);
    });

    it('matches a prefix ending in *, for type-ahead', async () => {
      await send(alice, GENERAL, 'kubernetes upgrade tonight');
      expect(await found(bob, { q: 'kuber*' })).toEqual(['kubernetes upgrade tonight']);
      expect(await found(bob, { q: 'upgr* kubern*' })).toEqual(['kubernetes upgrade tonight']);
      expect(await found(bob, { q: 'kuber' })).toEqual([]);
    });

    it('matches a prefix that is a stop word so far, and a whole word given as a prefix', async () => {
      await send(alice, GENERAL, 'проверка связи');
      await send(alice, GENERAL, 'the theremin messages');
      expect(await found(bob, { q: 'про*' })).toEqual(['проверка связи']);
      expect(await found(bob, { q: 'the*' })).toEqual(['the theremin messages']);
      expect(await found(bob, { q: 'messages*' })).toContain('the theremin messages');
    });

    it('leaves out -words', async () => {
      await send(alice, GENERAL, 'lantern red');
      await send(alice, GENERAL, 'lantern blue');
      expect(await found(bob, { q: 'lantern -blue' })).toEqual(['lantern red']);
    });

    it('finds an edit by its new text at once, and a deleted message never', async () => {
      const id = await send(alice, GENERAL, 'the first draft of pelican');
      await t.http
        .patch(`/api/v1/messages/${id}`)
        .set(...bearer(alice))
        .send({ text: 'the final cormorant' })
        .expect(200);
      expect(await found(bob, { q: 'pelican' })).toEqual([]);
      expect(await found(bob, { q: 'cormorant' })).toEqual(['the final cormorant']);
      await t.http
        .delete(`/api/v1/messages/${id}`)
        .set(...bearer(alice))
        .expect(200);
      expect(await found(bob, { q: 'cormorant' })).toEqual([]);
    });

    it('shows a short message whole, matches marked, markup in it left as text', async () => {
      await send(alice, GENERAL, 'a <b>bold</b> gazelle runs');
      const response = await search(bob, { q: 'gazelles' }).expect(200);
      const [hit] = (response.body as SearchAnswer).results;
      expect(hit.snippet).toEqual([
        { text: 'a <b>bold</b> ', match: false },
        { text: 'gazelle', match: true },
        { text: ' runs', match: false },
      ]);
      expect(hit.message).toMatchObject({
        room_id: GENERAL,
        user_id: alice.id,
        name: alice.name,
        message: 'a <b>bold</b> gazelle runs',
        edited_at: null,
      });
      expect(hit.rank).toBeGreaterThan(0);
    });

    it('shows a long message as fragments around its matches', async () => {
      const filler = (word: string) => Array.from({ length: 40 }, () => word).join(' ');
      await send(alice, GENERAL, `${filler('lorem')} the impala ran ${filler('ipsum')}`);
      const response = await search(bob, { q: 'impala' }).expect(200);
      const [hit] = (response.body as SearchAnswer).results;
      expect(hit.snippet.filter((part) => part.match)).toEqual([{ text: 'impala', match: true }]);
      const shown = hit.snippet.map((part) => part.text).join('');
      expect(shown).toContain('the impala ran');
      expect(shown.length).toBeLessThan(hit.message.message.length / 2);
    });
  });

  describe('filters', () => {
    it('narrows to a room, an author and a time span', async () => {
      const room = await rooms.create(alice, 'public');
      await rooms.join(room, bob);
      await send(alice, room, 'ocelot by alice in the room');
      await send(bob, room, 'ocelot by bob in the room');
      await send(alice, GENERAL, 'ocelot by alice in general');
      expect((await found(bob, { q: 'ocelot', room_id: room })).sort()).toEqual([
        'ocelot by alice in the room',
        'ocelot by bob in the room',
      ]);
      expect((await found(bob, { q: 'ocelot', author_id: alice.id })).sort()).toEqual([
        'ocelot by alice in general',
        'ocelot by alice in the room',
      ]);
      const future = new Date(Date.now() + 60_000).toISOString();
      expect(await found(bob, { q: 'ocelot', after: future })).toEqual([]);
      expect(await found(bob, { q: 'ocelot', before: future })).toHaveLength(3);
    });
  });

  describe('pages', () => {
    it('ranks the best first, newest first among equals, and pages without loss or repeats', async () => {
      const texts = Array.from({ length: 23 }, (_, i) => `heron number ${i}`);
      for (const text of texts) await send(alice, GENERAL, text);
      await send(alice, GENERAL, 'heron heron heron');
      const seen: string[] = [];
      let cursor: string | null = null;
      for (let page = 0; page < 10; page++) {
        const response = await search(bob, {
          q: 'heron',
          limit: 10,
          ...(cursor ? { cursor } : {}),
        }).expect(200);
        const answer = response.body as SearchAnswer;
        seen.push(...answer.results.map((hit) => hit.message.message));
        cursor = answer.next_cursor;
        if (!cursor) break;
      }
      expect(seen[0]).toBe('heron heron heron');
      expect(seen.slice(1)).toEqual([...texts].reverse());
    });

    /** Every hit of `q` from the first page on, running `meanwhile` after the first page. */
    const pageThrough = async (q: string, meanwhile: () => Promise<unknown>) => {
      const first = (await search(bob, { q, limit: 50 }).expect(200)).body as SearchAnswer;
      const seen = first.results.map((hit) => hit.message.message_id);
      await meanwhile();
      let cursor = first.next_cursor;
      for (let page = 0; page < 20 && cursor; page++) {
        const answer = (await search(bob, { q, limit: 50, cursor }).expect(200))
          .body as SearchAnswer;
        seen.push(...answer.results.map((hit) => hit.message.message_id));
        cursor = answer.next_cursor;
      }
      return seen;
    };
    const insertMatches = (word: string, count: number) =>
      t.db.query(
        `INSERT INTO messages (user_id, text) SELECT $1, $2 || ' ' || n FROM generate_series(1, $3::int) n`,
        [alice.id, word, count],
      );

    it('loses no match when a newer one is deleted between pages', async () => {
      // Older matches, the best one, then a window's worth of newer ones: the best is the newest
      // match just below the first window, where a deletion above would slide it in.
      await insertMatches('kite', 30);
      const best = await send(alice, GENERAL, 'kite kite kite kite');
      await insertMatches('kite', SEARCH_WINDOW);
      const seen = await pageThrough('kite', async () => {
        const [{ id }] = await t.db.query(
          `SELECT max(id)::float8 AS id FROM messages WHERE text LIKE 'kite %'`,
        );
        await t.db.query('DELETE FROM messages WHERE id = $1', [id]);
      });
      expect(seen).toContain(best);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('repeats no match when a new one arrives between pages', async () => {
      // The best match is the oldest of a full window: a new match would push it into the next.
      await insertMatches('owl', 10);
      const best = await send(alice, GENERAL, 'owl owl owl owl');
      await insertMatches('owl', SEARCH_WINDOW - 1);
      const seen = await pageThrough('owl', () => send(alice, GENERAL, 'owl late'));
      expect(seen.filter((id) => id === best)).toHaveLength(1);
      expect(new Set(seen).size).toBe(seen.length);
    });

    it('goes on past the ranked window of the newest matches to the older ones', async () => {
      await t.db.query(
        `INSERT INTO messages (user_id, text) SELECT $1, 'ibis ' || n FROM generate_series(1, 520) n`,
        [alice.id],
      );
      const ids = new Set<number>();
      let cursor: string | null = null;
      for (let page = 0; page < 20 && (page === 0 || cursor); page++) {
        const response = await search(bob, {
          q: 'ibis',
          limit: 50,
          ...(cursor ? { cursor } : {}),
        }).expect(200);
        const answer = response.body as SearchAnswer;
        for (const hit of answer.results) ids.add(hit.message.message_id);
        cursor = answer.next_cursor;
      }
      expect(ids.size).toBe(520);
    });
  });

  describe('bad input', () => {
    it.each([
      ['operators', 'a & | ! ( ) <-> :* b'],
      ['unbalanced quotes', '"heron'],
      ['backslashes', 'heron\\ \\\\ \\"'],
      ['tsquery syntax', "'heron':* & !'x' | (y <2> z)"],
      ['a star alone', '*'],
      ['a long prefix of marks', 'é*'],
    ])('answers %s without an error', async (_name, q) => {
      const response = await search(bob, { q }).expect(200);
      expect(Array.isArray(response.body.results)).toBe(true);
    });

    it.each([
      ['only stop words', 'the and of'],
      ['only punctuation', '?!,.;:—'],
      ['only -words', '-heron'],
      ['only Russian stop words', 'и в на'],
    ])('answers %s with no results and a notice', async (_name, q) => {
      const response = await search(bob, { q }).expect(200);
      expect(response.body).toEqual({
        results: [],
        next_cursor: null,
        notice: expect.stringContaining('no word to search for'),
      });
    });

    it('refuses an empty, missing, or 10 kB query, and malformed parameters, naming the field', async () => {
      const fieldsOf = async (query: Record<string, string>) => {
        const response = await search(bob, query).expect(422);
        return response.body.detail.map((error: { field: string }) => error.field);
      };
      expect(await fieldsOf({ q: '' })).toEqual(['q']);
      expect(await fieldsOf({})).toEqual(['q']);
      expect(await fieldsOf({ q: 'x'.repeat(10_240) })).toEqual(['q']);
      expect(await fieldsOf({ q: 'heron', room_id: 'one' })).toEqual(['room_id']);
      expect(await fieldsOf({ q: 'heron', author_id: '-1' })).toEqual(['author_id']);
      expect(await fieldsOf({ q: 'heron', before: 'yesterday' })).toEqual(['before']);
      expect(await fieldsOf({ q: 'heron', limit: '51' })).toEqual(['limit']);
      expect(await fieldsOf({ q: 'heron', cursor: 'not-a-cursor' })).toEqual(['cursor']);
      expect(
        await fieldsOf({
          q: 'heron',
          after: '2026-01-02T00:00:00Z',
          before: '2026-01-01T00:00:00Z',
        }),
      ).toEqual(['after']);
    });

    it('answers a query holding NUL, and refuses a cursor with a rank no real holds', async () => {
      await search(bob, { q: 'heron\u0000' }).expect(200);
      await search(bob, { q: '\u0000' }).expect(200);
      const tampered = Buffer.from(JSON.stringify(['a', 10, null, 1e39, 1])).toString('base64url');
      const refused = await search(bob, { q: 'heron', cursor: tampered }).expect(422);
      expect(refused.body.detail[0].field).toBe('cursor');
    });

    it('refuses an ordinal date, which Date would misread', async () => {
      const refused = await search(bob, { q: 'heron', after: '2024-010' }).expect(422);
      expect(refused.body.detail[0].field).toBe('after');
    });

    it('refuses a cursor of a search across rooms in a search of one room', async () => {
      const response = await search(bob, { q: 'heron', limit: 1 }).expect(200);
      const refused = await search(bob, {
        q: 'heron',
        room_id: GENERAL,
        cursor: response.body.next_cursor,
      }).expect(422);
      expect(refused.body.detail[0].field).toBe('cursor');
    });

    it('asks for a token', async () => {
      await t.http.get('/api/v1/search').query({ q: 'heron' }).expect(401);
    });
  });
});

describe('search limits', () => {
  let t: TestApp;
  let user: TestUser;

  beforeAll(async () => {
    t = await startTestApp({
      SEARCH_RATE_BURST: '3',
      SEARCH_RATE_LIMIT: '1',
      SEARCH_TIMEOUT_MS: '200',
    });
    user = await createUser(t);
  });
  afterAll(() => t.close());

  const search = (q: string) =>
    t.http
      .get('/api/v1/search')
      .query({ q })
      .set(...bearer(user));

  it('cuts off a search that runs past SEARCH_TIMEOUT_MS with a 503, and serves the next', async () => {
    // Another session holds the messages table: the search waits for it until the timeout.
    const runner = t.db.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction();
      await runner.query('LOCK TABLE messages IN ACCESS EXCLUSIVE MODE');
      const response = await search('heron').expect(503);
      expect(response.body.detail).toMatch(/took too long/);
      await runner.rollbackTransaction();
    } finally {
      await runner.release();
    }
    await search('heron').expect(200);
  });

  it('limits searches per user, with a 429 past the burst', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await search('heron')).status);
    expect(statuses).toContain(429);
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(3);
  });
});
