import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { timeRounds } from './timed-requests';

describe('timeRounds', () => {
  let server: Server;
  let baseUrl: string;
  const seen: { path: string; body: string }[] = [];

  beforeAll(async () => {
    server = createServer((request: IncomingMessage, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        seen.push({ path: request.url!, body });
        response.statusCode = request.url === '/refused' ? 500 : 200;
        response.end('[]');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise((resolve) => server.close(resolve)));

  beforeEach(() => (seen.length = 0));

  it('sends each kind in a warm-up and every round, and answers a percentile set per round', async () => {
    const rounds = await timeRounds({
      requests: {
        page: { baseUrl, method: 'GET', path: '/page' },
        load: { baseUrl, method: 'POST', path: '/load', randomMessageIdUpTo: 7 },
      },
      perRound: 5,
      rounds: 3,
    });
    expect(Object.keys(rounds)).toEqual(['page', 'load']);
    for (const kind of ['page', 'load']) {
      expect(rounds[kind]).toHaveLength(3);
      for (const round of rounds[kind]) expect(round.p99).toBeGreaterThan(0);
    }
    // Kinds alternate: the warm-up's 5 of each, then each round's.
    expect(seen.map((request) => request.path)).toEqual(
      Array.from({ length: 4 }, () => [
        ...Array(5).fill('/page'),
        ...Array(5).fill('/load'),
      ]).flat(),
    );
    const ids = seen.filter((r) => r.path === '/load').map((r) => JSON.parse(r.body).id_message);
    expect(ids.every((id) => Number.isInteger(id) && id >= 1 && id <= 7)).toBe(true);
  });

  it('fails on an answer other than 200, naming the path', async () => {
    await expect(
      timeRounds({
        requests: { refused: { baseUrl, method: 'GET', path: '/refused' } },
        perRound: 2,
        rounds: 1,
      }),
    ).rejects.toThrow('/refused: 500');
  });
});
