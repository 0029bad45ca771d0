import { ChatClient } from './chat-client';
import { ChatApiError } from './errors';
import { clientOf } from './testing/client-harness';
import { FakeChatServer } from './testing/fake-chat-server';

const ME = 7;
const OTHER = 8;
let server: FakeChatServer;
let clients: ChatClient[];

beforeEach(() => {
  server = new FakeChatServer();
  server.addRoom(1, [ME, OTHER]);
  server.addRoom(2, [ME]);
  server.addRoom(3, [OTHER]);
  clients = [];
});

afterEach(() => clients.forEach((client) => client.close()));

function clientOfMe(): ChatClient {
  const client = clientOf(server, server.token(ME));
  clients.push(client);
  return client;
}

describe('search', () => {
  it("finds the messages of the user's rooms, with the matches marked, and none of others'", async () => {
    server.post(OTHER, 1, 'Deploy tonight');
    server.post(ME, 2, 'the deploy went fine');
    server.post(OTHER, 3, 'deploy secrets of a room I am not in');
    server.post(OTHER, 1, 'nothing to see');

    const answer = await clientOfMe().search({ q: 'deploy' });

    expect(answer.next_cursor).toBeNull();
    expect(answer.results.map((hit) => [hit.message.room_id, hit.message.message])).toEqual([
      [2, 'the deploy went fine'],
      [1, 'Deploy tonight'],
    ]);
    expect(answer.results[0].snippet).toEqual([
      { text: 'the ', match: false },
      { text: 'deploy', match: true },
      { text: ' went fine', match: false },
    ]);
  });

  it('pages with next_cursor until it is null, each message once', async () => {
    for (let i = 1; i <= 5; i++) server.post(OTHER, 1, `release ${i}`);
    const client = clientOfMe();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await client.search({ q: 'release', room_id: 1, limit: 2, cursor });
      seen.push(...answer.results.map((hit) => hit.message.message));
      if (answer.next_cursor === null) break;
      cursor = answer.next_cursor;
    }
    expect(seen).toEqual(['release 5', 'release 4', 'release 3', 'release 2', 'release 1']);
  });

  it("rejects a refusal with ChatApiError: 422 with the fields' problems, 429, 503", async () => {
    const client = clientOfMe();
    const invalid = await client.search({ q: '' }).catch((error: unknown) => error);
    expect(invalid).toBeInstanceOf(ChatApiError);
    expect(invalid).toMatchObject({
      status: 422,
      detail: [{ field: 'q', message: 'q must be 1 to 1000 characters' }],
      message: 'q must be 1 to 1000 characters',
    });

    server.refuseNextRequest('GET /api/v1/search', 429, 'Too many searches; retry after a moment');
    server.refuseNextRequest('GET /api/v1/search', 503, 'The search took too long');
    await expect(client.search({ q: 'deploy' })).rejects.toEqual(
      new ChatApiError(429, 'Too many searches; retry after a moment'),
    );
    await expect(client.search({ q: 'deploy' })).rejects.toMatchObject({
      name: 'ChatApiError',
      status: 503,
      message: 'The search took too long',
    });
    await expect(client.search({ q: 'deploy' })).resolves.toEqual({
      results: [],
      next_cursor: null,
    });
  });
});
