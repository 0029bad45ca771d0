import fc from 'fast-check';
import type { ChatClient } from './chat-client';
import { clientOf, settle, wait } from './testing/client-harness';
import { FakeChatServer, FrameKind } from './testing/fake-chat-server';

const ME = 1;
const OTHER = 2;
const ROOM = 1;

const post = fc.record({
  kind: fc.constant('post' as const),
  by: fc.constantFrom(ME, OTHER),
  mentionsMe: fc.boolean(),
  count: fc.integer({ min: 1, max: 60 }),
});
const remove = fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() });
const edit = fc.record({
  kind: fc.constant('edit' as const),
  pick: fc.nat(),
  mentionsMe: fc.boolean(),
});
const read = fc.record({
  kind: fc.constantFrom('read here' as const, 'read elsewhere' as const),
  back: fc.nat(30),
});
const holdOrRelease = <K extends FrameKind>(...kinds: K[]) =>
  fc.record({
    kind: fc.constantFrom('hold' as const, 'release' as const),
    what: fc.constantFrom(...kinds),
  });

/**
 * One step of the room's life: messages by others (some naming me) or by me from another device,
 * a deletion, an edit that names me or stops naming me, my marker moved here or on another device, the rooms loaded over HTTP, something
 * held back (room changes, frames to me, HTTP answers: so that counts come before or after the
 * messages they counted, or after newer counts) or let go, or the connection lost (with what was
 * on its way).
 */
const anyStep = fc.oneof(
  post,
  remove,
  edit,
  read,
  fc.record({ kind: fc.constant('load' as const) }),
  holdOrRelease<FrameKind>('room', 'user', 'http'),
  fc.record({ kind: fc.constant('drop' as const) }),
);
type Step = typeof anyStep extends fc.Arbitrary<infer T> ? T : never;

beforeEach(() => jest.useFakeTimers({ now: 0 }));
afterEach(() => jest.useRealTimers());

function world(resumeMax = 1_000) {
  const server = new FakeChatServer();
  server.resumeMax = resumeMax;
  server.addRoom(ROOM, [ME, OTHER]);
  const client = clientOf(server, server.token(ME));
  const held = new Set<FrameKind>();
  const shown = () => {
    const room = client.store.room(ROOM);
    return { unread: room?.unread, mentions: room?.mentions, lastReadSeq: room?.lastReadSeq };
  };
  const truth = (marker?: number) => {
    const { unread, mentions, last_read_seq } = server.counts(ME, ROOM, marker);
    return { unread, mentions, lastReadSeq: last_read_seq };
  };
  const take = async (step: Step) => {
    switch (step.kind) {
      case 'post':
        for (let i = 0; i < step.count; i++) {
          server.post(step.by, ROOM, step.mentionsMe ? `hi @user${ME}` : 'hi');
        }
        return;
      case 'delete': {
        const stored = server.stored(ROOM);
        if (stored.length > 0) server.deleteMessage(stored[step.pick % stored.length].message_id);
        return;
      }
      case 'edit': {
        const stored = server.stored(ROOM);
        const text = step.mentionsMe ? `edited @user${ME}` : 'edited';
        if (stored.length > 0)
          server.editMessage(stored[step.pick % stored.length].message_id, text);
        return;
      }
      case 'read here': {
        const seen = client.lastSeq(ROOM) ?? 0;
        void client.markRead(ROOM, Math.max(0, seen - step.back)).catch(() => undefined);
        return;
      }
      case 'read elsewhere': {
        const last = server.stored(ROOM).at(-1)?.seq ?? 0;
        server.markRead(ME, ROOM, Math.max(0, last - step.back));
        return;
      }
      case 'load':
        void client.loadRooms().catch(() => undefined);
        return;
      case 'hold':
        held.add(step.what);
        return server.hold(step.what);
      case 'release':
        held.delete(step.what);
        return server.release(step.what);
      case 'drop':
        server.latest.drop();
        return wait(1_000);
    }
  };
  const end = async () => {
    for (const kind of held) server.release(kind);
    await settle();
  };
  return { server, client, held, shown, truth, take, end };
}

function closeAll(client: ChatClient): void {
  client.close();
  jest.clearAllTimers();
}

it('shows the exact counts and marker once what is on its way has come, whatever order it comes in', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.nat(120),
      fc.nat(130),
      fc.array(anyStep, { maxLength: 25 }),
      fc.constantFrom(3, 1_000),
      fc.option(fc.nat(5), { nil: undefined }),
      async (before, readBefore, steps, resumeMax, overlapping) => {
        const { server, client, held, shown, truth, take, end } = world(resumeMax);
        for (let i = 0; i < before; i++) server.post(OTHER, ROOM, `old ${i} @user${ME}`);
        server.markRead(ME, ROOM, readBefore);
        if (overlapping === undefined) {
          await client.loadRooms();
        } else {
          // The rooms' answer is taken now and comes later: the socket may follow from further on.
          held.add('http');
          server.hold('http');
          void client.loadRooms().catch(() => undefined);
          await settle();
          for (let i = 0; i < overlapping; i++) server.post(OTHER, ROOM, `new ${i} @user${ME}`);
        }
        await client.connect();
        for (const step of steps) {
          await take(step);
          await settle();
          if (held.size === 0) expect(shown()).toEqual(truth());
        }
        await end();
        expect(shown()).toEqual(truth());
        closeAll(client);
      },
    ),
    { numRuns: 150 },
  );
});

it('counts from its own marker at once, before the server’s frames about it come', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          { arbitrary: post, weight: 3 },
          { arbitrary: remove, weight: 1 },
          { arbitrary: edit, weight: 1 },
          { arbitrary: read, weight: 3 },
          { arbitrary: holdOrRelease('user'), weight: 2 },
        ),
        { maxLength: 25 },
      ),
      async (steps) => {
        const { client, shown, truth, take, end } = world();
        await client.loadRooms();
        await client.connect();
        for (const step of steps) {
          await take(step);
          await settle();
          // Every change of the room came: only frames about the marker may be on their way.
          expect(shown()).toEqual(truth(client.store.room(ROOM)?.lastReadSeq));
        }
        await end();
        expect(shown()).toEqual(truth());
        closeAll(client);
      },
    ),
    { numRuns: 150 },
  );
});
