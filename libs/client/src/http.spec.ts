import { ChatApiError } from './errors';
import { ChatHttp, FetchLike } from './http';

type Call = { url: string } & Parameters<FetchLike>[1];

/** A fetch that records each call and answers with the next given answer. */
function fakeFetch(...answers: { status: number; body?: string }[]) {
  const calls: Call[] = [];
  const fetch: FetchLike = (url, init) => {
    calls.push({ url, ...init });
    const { status, body = '' } = answers.shift() ?? { status: 200 };
    return Promise.resolve({ ok: status < 300, status, text: () => Promise.resolve(body) });
  };
  return { fetch, calls };
}

const http = (fetch: FetchLike, token?: string) =>
  new ChatHttp({ url: 'https://chat.example', fetch, token: () => token });

describe('ChatHttp', () => {
  it('sends the bearer token and a JSON body, and reads the JSON answer', async () => {
    const { fetch, calls } = fakeFetch({ status: 201, body: '{"id":9,"name":"ops"}' });
    const room = await http(fetch, 'tok').createRoom({ name: 'ops', kind: 'private' });
    expect(room).toEqual({ id: 9, name: 'ops' });
    expect(calls).toEqual([
      {
        url: 'https://chat.example/api/v1/rooms',
        method: 'POST',
        headers: { Authorization: 'Bearer tok', 'Content-Type': 'application/json' },
        body: '{"name":"ops","kind":"private"}',
      },
    ]);
  });

  it('puts only the given query fields in the URL', async () => {
    const { fetch, calls } = fakeFetch();
    const client = http(fetch, 'tok');
    await client.messages(5, { beforeSeq: 10 });
    await client.messages(5, { afterSeq: 3, limit: 20 });
    await client.directory();
    await client.directory({ q: 'a b&c' });
    expect(calls.map((call) => call.url)).toEqual([
      'https://chat.example/api/v1/rooms/5/messages?before_seq=10',
      'https://chat.example/api/v1/rooms/5/messages?after_seq=3&limit=20',
      'https://chat.example/api/v1/rooms/public',
      'https://chat.example/api/v1/rooms/public?q=a+b%26c',
    ]);
  });

  it('puts the search fields given in the query, times as ISO 8601', async () => {
    const answer = { results: [], next_cursor: null };
    const { fetch, calls } = fakeFetch(
      { status: 200, body: JSON.stringify(answer) },
      { status: 200, body: JSON.stringify(answer) },
    );
    const client = http(fetch, 'tok');
    await expect(client.search({ q: '"deploy plan" rel* -draft' })).resolves.toEqual(answer);
    await client.search({
      q: 'a&b=c',
      room_id: 4,
      author_id: 9,
      before: new Date('2030-01-02T03:04:05.000Z'),
      after: '2030-01-01T00:00:00Z',
      cursor: 'abc/+=',
      limit: 10,
    });
    expect(calls.map((call) => [call.method, call.url, call.headers])).toEqual([
      [
        'GET',
        'https://chat.example/api/v1/search?q=%22deploy+plan%22+rel*+-draft',
        { Authorization: 'Bearer tok' },
      ],
      [
        'GET',
        'https://chat.example/api/v1/search?q=a%26b%3Dc&room_id=4&author_id=9' +
          '&before=2030-01-02T03%3A04%3A05.000Z&after=2030-01-01T00%3A00%3A00Z' +
          '&cursor=abc%2F%2B%3D&limit=10',
        { Authorization: 'Bearer tok' },
      ],
    ]);
  });

  it('signs in without a token', async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: '{"token":"t","user_id":3}' });
    await expect(http(fetch, 'old').login('ann', 'pw')).resolves.toEqual({
      token: 't',
      user_id: 3,
    });
    expect(calls[0].headers).toEqual({ 'Content-Type': 'application/json' });
  });

  it('rejects a refusal with its status and the server’s detail', async () => {
    const { fetch } = fakeFetch(
      { status: 404, body: '{"detail":"Room not found"}' },
      { status: 422, body: '{"detail":[{"field":"name","message":"name is too long"},{}]}' },
      { status: 500, body: '<html>' },
    );
    const client = http(fetch, 'tok');
    await expect(client.room(4)).rejects.toEqual(new ChatApiError(404, 'Room not found'));
    const invalid = await client.createRoom({ name: 'x', kind: 'public' }).catch((e) => e);
    expect(invalid).toMatchObject({ status: 422, message: 'name is too long; invalid' });
    await expect(client.me()).rejects.toMatchObject({
      status: 500,
      message: 'Request failed (500)',
    });
  });

  it('rejects with status 0 when the server cannot be reached', async () => {
    const fetch: FetchLike = () => Promise.reject(new TypeError('fetch failed'));
    await expect(http(fetch).users()).rejects.toMatchObject({
      name: 'ChatApiError',
      status: 0,
      message: 'The server cannot be reached',
    });
  });

  it('resolves an empty answer as undefined', async () => {
    const { fetch, calls } = fakeFetch({ status: 204 });
    await expect(http(fetch, 'tok').leaveRoom(5)).resolves.toBeUndefined();
    expect(calls[0]).toMatchObject({
      url: 'https://chat.example/api/v1/rooms/5/leave',
      body: undefined,
    });
  });

  it('sends an avatar as form data, leaving its content type to fetch', async () => {
    const { fetch, calls } = fakeFetch();
    await http(fetch, 'tok').uploadAvatar(new Blob(['png']), 'me.png');
    expect(calls[0].headers).toEqual({ Authorization: 'Bearer tok' });
    expect((calls[0].body as FormData).get('image')).toBeInstanceOf(Blob);
  });
});

describe('ChatHttp read markers and presence', () => {
  it('moves the read marker with the number in the body, and answers the counts', async () => {
    const answer = { room_id: 5, unread: 2, mentions: 1, last_read_seq: 40 };
    const { fetch, calls } = fakeFetch({ status: 200, body: JSON.stringify(answer) });
    await expect(http(fetch, 'tok').markRead(5, 40)).resolves.toEqual(answer);
    expect(calls[0]).toMatchObject({
      url: 'https://chat.example/api/v1/rooms/5/read',
      method: 'POST',
      body: '{"seq":40}',
    });
  });

  it('asks for at most 200 users a call, and answers them all in the order asked', async () => {
    const ids = Array.from({ length: 450 }, (_, i) => i + 1);
    const calls: string[] = [];
    const fetch: FetchLike = (url) => {
      calls.push(url);
      const asked = new URL(url).searchParams.get('user_ids')!.split(',').map(Number);
      const presence = asked.map((id) => ({ user_id: id, status: 'offline' }));
      return Promise.resolve({
        ok: true,
        status: 200,
        text: async () => JSON.stringify({ presence }),
      });
    };
    const { presence } = await http(fetch, 'tok').presence(ids);
    expect(presence.map((entry) => entry.user_id)).toEqual(ids);
    expect(
      calls.map((url) => new URL(url).searchParams.get('user_ids')!.split(',').length),
    ).toEqual([200, 200, 50]);
    expect(calls[2]).toBe(
      `https://chat.example/api/v1/presence?user_ids=${ids.slice(400).join('%2C')}`,
    );
    await expect(http(fetch, 'tok').presence([])).resolves.toEqual({ presence: [] });
    expect(calls).toHaveLength(3);
    await expect(http(fetch, 'tok').presence([1, 0])).rejects.toThrow(TypeError);
  });

  it("asks for a room's online count", async () => {
    const { fetch, calls } = fakeFetch({ status: 200, body: '{"room_id":3,"online":12}' });
    await expect(http(fetch, 'tok').roomPresence(3)).resolves.toEqual({ room_id: 3, online: 12 });
    expect(calls[0].url).toBe('https://chat.example/api/v1/presence?room_id=3');
  });
});

describe('ChatHttp ids', () => {
  it('refuses an id that is not one, so input never turns a path into another route', async () => {
    const calls: string[] = [];
    const fetch: FetchLike = (url, init) => {
      calls.push(`${init.method} ${url}`);
      return Promise.resolve({ ok: true, status: 200, text: () => Promise.resolve('{}') });
    };
    const http = new ChatHttp({ url: 'https://chat.example', fetch, token: () => 'token' });
    const fromChat = '../../../user/delete' as unknown as number;
    await expect(http.deleteMessage(fromChat)).rejects.toThrow(TypeError);
    await expect(http.removeMember(1, fromChat)).rejects.toThrow('Not an id');
    await expect(http.room(1.5)).rejects.toThrow(TypeError);
    await expect(http.room(0)).rejects.toThrow(TypeError);
    expect(calls).toEqual([]);
    await http.removeMember(3, 4);
    expect(calls).toEqual(['DELETE https://chat.example/api/v1/rooms/3/members/4']);
  });
});
