import fc from 'fast-check';
import type { RoomMessage } from '@chat/protocol';
import { clientOf, outcome, wait } from './testing/client-harness';
import { FakeChatServer } from './testing/fake-chat-server';
import type { FakeSocket } from './testing/fake-socket';

const SENDER = 1;
const WATCHER = 2;
const POSTER = 3;
const ROOMS = [1, 2, 3];

/**
 * What happens at the server's n-th frame: its socket drops before or after the server handles
 * it, the watcher's socket drops, (a message) is refused for now (rate limited), or someone else
 * posts in a room just before the watcher's next resume is handled (a live change overtaking its
 * replay).
 */
const mishapArbitrary = fc.record({
  at: fc.nat(24),
  what: fc.constantFrom('before', 'after', 'watcher', 'refused', 'posted'),
  room: fc.constantFrom(...ROOMS),
});

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

it('stores, resolves and shows every message once and in order per room, whatever drops, refusals and posts', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.constantFrom(...ROOMS), { minLength: 1, maxLength: 12 }),
      fc.array(mishapArbitrary, { maxLength: 6 }),
      async (roomOfSend, mishaps) => {
        const server = new FakeChatServer();
        ROOMS.forEach((roomId) => server.addRoom(roomId, [SENDER, WATCHER, POSTER]));
        const senderToken = server.token(SENDER);
        const sender = clientOf(server, senderToken);
        const watcher = clientOf(server, server.token(WATCHER));
        const seen = new Map<number, RoomMessage[]>(ROOMS.map((roomId) => [roomId, []]));
        watcher.on('message.new', (frame) => seen.get(frame.room_id)!.push(frame.message));

        const watcherSocket = () =>
          server.open.find((socket) => socket.sent[0]?.type === 'auth' && !isSender(socket));
        const isSender = (socket: FakeSocket) =>
          socket.sent[0]?.type === 'auth' && socket.sent[0].token === senderToken;
        let frames = 0;
        let sending = false;
        const armed: number[] = [];
        const mishapsAt =
          (when: 'before' | 'after') => (socket: FakeSocket, frame: { type?: unknown }) => {
            const index = when === 'before' ? frames++ : frames - 1;
            if (frame.type === 'resume' && when === 'before' && !isSender(socket)) {
              armed
                .splice(0)
                .forEach((room) => server.post(POSTER, room, `posted before ${index}`));
            }
            for (const { what, room } of mishaps.filter((entry) => entry.at === index)) {
              if (what === when) socket.drop();
              if (when === 'after') continue;
              if (what === 'watcher') watcherSocket()?.drop();
              // Once both are in: the watcher follows each room from its number at sign-in.
              if (what === 'posted' && sending) armed.push(room);
              if (what === 'refused' && frame.type === 'message.send') {
                server.refuseNext('message.send', 'rate_limited');
              }
            }
          };
        server.beforeFrame = mishapsAt('before');
        server.afterFrame = mishapsAt('after');

        const ready = [sender.connect(), watcher.connect()].map(outcome);
        for (let i = 0; i < 50 && ready.some((r) => r.state === 'pending'); i++) await wait(500);
        sending = true;
        const sends = roomOfSend.map((roomId, i) => outcome(sender.send(roomId, `m${i}`)));
        const allSeen = () => ROOMS.every((r) => seen.get(r)!.length === server.stored(r).length);
        const done = () => sends.every((s) => s.state !== 'pending') && allSeen();
        for (let i = 0; i < 100 && !done(); i++) await wait(500);

        expect(sends.map((sent) => sent.state)).toEqual(sends.map(() => 'resolved'));
        for (const roomId of ROOMS) {
          const sentHere = roomOfSend.flatMap((r, i) => (r === roomId ? [`m${i}`] : []));
          const stored = server.stored(roomId);
          const fromSender = stored.filter((message) => message.user_id === SENDER);
          expect(fromSender.map((message) => message.message)).toEqual(sentHere);
          expect(stored.map((message) => message.seq)).toEqual(stored.map((_, i) => i + 1));
          expect(seen.get(roomId)).toEqual(stored);
        }
        const resolved = sends.map((sent) => (sent.value as RoomMessage).message);
        expect(resolved).toEqual(roomOfSend.map((_, i) => `m${i}`));

        sender.close();
        watcher.close();
        jest.clearAllTimers();
      },
    ),
    { numRuns: 30 },
  );
});
