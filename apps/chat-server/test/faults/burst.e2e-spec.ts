import type { Socket } from 'node:net';
import { ChatClient, Frame } from '../support/chat-client';
import { createUser, TestUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { recordFigures } from './support/reliability-report';
import { sleep } from './support/steady-load';

const RUNS = 2;
const SENDERS = 5;
const FRAMES_PER_BURST = 400;
const WAIT_MS = 20_000;

const isMessage = (frame: Frame) => !('event' in frame);

/** Writes every frame of a burst to the socket in one TCP write. */
function sendInOneWrite(client: ChatClient, frames: object[]): void {
  const raw = (client.socket as unknown as { _socket: Socket })._socket;
  raw.cork();
  for (const frame of frames) client.send(frame);
  process.nextTick(() => raw.uncork());
}

/**
 * Several clients come back online at once, each flushing hundreds of queued messages in one write
 * (within the configured rate): every frame must be stored once and reach everyone once, none
 * refused.
 */
describe('bursts of frames from several sockets at once', () => {
  let t: TestApp;
  let senders: TestUser[];

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '100000', MESSAGE_RATE_BURST: '100000' });
    senders = [];
    for (let i = 0; i < SENDERS; i++) senders.push(await createUser(t));
  });
  afterAll(() => t.close());

  it('acknowledges every frame of every burst; none lost, duplicated or refused', async () => {
    let acknowledged = 0;
    let lost = 0;
    let duplicated = 0;
    let refused = 0;
    for (let run = 0; run < RUNS; run++) {
      const tag = `burst-${run}`;
      const listener = await ChatClient.connect(t.baseUrl);
      const clients = await Promise.all(senders.map((u) => ChatClient.connect(t.baseUrl, u.token)));
      const bursts = clients.map((_, s) =>
        Array.from({ length: FRAMES_PER_BURST }, (_, i) => ({
          message: `${tag} sender ${s} frame ${i}`,
          client_id: `${tag}-${s}-${i}`,
        })),
      );
      clients.forEach((client, s) => sendInOneWrite(client, bursts[s]));

      // Every frame gets an answer: its message back, or a notice.
      const own = (client: ChatClient, s: number) =>
        client.frames.filter(
          (f) => typeof f.client_id === 'string' && f.client_id.startsWith(`${tag}-${s}-`),
        );
      const notices = (client: ChatClient) =>
        client.frames.filter((f) => f.event === 'send user message');
      const expected = SENDERS * FRAMES_PER_BURST;
      const done = () =>
        clients.every((c, s) => own(c, s).length + notices(c).length >= FRAMES_PER_BURST) &&
        listener.frames.filter(isMessage).length >= expected;
      const deadline = Date.now() + WAIT_MS;
      while (!done() && Date.now() < deadline) await sleep(100);
      await sleep(300);

      const rows: { id: number; client_id: string }[] = await t.db.query(
        'SELECT id::int AS id, client_id FROM messages WHERE client_id LIKE $1',
        [`${tag}-%`],
      );
      const stored = new Map(rows.map((row) => [row.client_id, row.id]));
      duplicated += rows.length - stored.size;
      clients.forEach((client, s) => {
        const answers = own(client, s);
        const keys = new Set(answers.map((f) => f.client_id as string));
        acknowledged += keys.size;
        duplicated += answers.length - keys.size;
        for (const f of answers) if (stored.get(f.client_id as string) !== f.message_id) lost++;
        refused += notices(client).length;
      });
      const heard = listener.frames.filter(isMessage).map((f) => f.message_id as number);
      duplicated += heard.length - new Set(heard).size;
      for (const id of stored.values()) if (!heard.includes(id)) lost++;
      // Each sender's frames are stored in the order it sent them.
      clients.forEach((_, s) => {
        const ids = bursts[s].map((f) => stored.get(f.client_id)).filter((id) => id !== undefined);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
      });
      for (const client of [...clients, listener]) client.close();
    }

    recordFigures({
      scenario: `Bursts of ${FRAMES_PER_BURST} frames in one write from ${SENDERS} sockets at once (${refused} refused)`,
      runs: RUNS,
      acknowledged,
      lost,
      duplicated,
      recoverySeconds: [],
    });
    expect({ acknowledged, lost, duplicated, refused }).toEqual({
      acknowledged: RUNS * SENDERS * FRAMES_PER_BURST,
      lost: 0,
      duplicated: 0,
      refused: 0,
    });
  });
});
