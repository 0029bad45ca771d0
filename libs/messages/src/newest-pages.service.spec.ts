import fc from 'fast-check';
import { ChatEvent, EventBus } from '@chat/events';
import type { ChatMetrics } from '@chat/metrics';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import type { MessageWriter } from './message-writer.service';
import { NewestPages } from './newest-pages.service';

/** A bus whose link to the other instances the test cuts and restores. */
class TestBus extends EventBus {
  connected = true;
  watched: number[] = [];

  publish(event: ChatEvent): void {
    this.deliver(event);
  }
  watchRoom(roomId: number): Promise<boolean> {
    this.watched.push(roomId);
    return Promise.resolve(true);
  }
  unwatchRoom(): void {}
  isConnected(): boolean {
    return this.connected;
  }
  /** A first connection is not announced (see RedisEventBus.reportState); later ones are. */
  link(connected: boolean, announced = true): void {
    this.connected = connected;
    if (announced) this.connectionChanged(connected);
  }
}

function setUp() {
  const bus = new TestBus();
  const hits = { count: 0 };
  const metrics = { historyCacheHits: { inc: () => hits.count++ } } as unknown as ChatMetrics;
  const writer = { inDoubt: false, hasWritesInDoubt: () => writer.inDoubt };
  const pages = new NewestPages(bus, metrics, writer as unknown as MessageWriter);
  pages.onModuleInit();
  return { bus, pages, hits, writer };
}

const created = (roomId: number): ChatEvent => ({
  type: 'message.created',
  roomId,
  seq: 1,
  message: {
    message_id: 1,
    user_id: 1,
    name: 'a',
    role: 1,
    user_avatar: '/a.webp',
    message: 'hi',
    time_send: '00:00:00',
    created_at: '2024-01-01T00:00:00.000Z',
    edited: false,
  },
});

const PAGE_CHANGES: ChatEvent[] = [
  created(GENERAL_ROOM_ID),
  {
    type: 'message.updated',
    roomId: GENERAL_ROOM_ID,
    seq: 2,
    messageId: 1,
    text: 'x',
    editedAt: '',
  },
  { type: 'message.deleted', roomId: GENERAL_ROOM_ID, seq: 3, messageId: 1 },
  { type: 'user.updated', userId: 7, name: 'b', role: 1, avatar: '/b.webp' },
  { type: 'avatar.changed', userId: 7, avatar: '/c.webp' },
  { type: 'user.deleted', userId: 7, previousAvatar: '/c.webp' },
];

/** Reads `key`, answering `page` if the database is asked; whether it was asked. */
async function read(pages: NewestPages, key: string, page: string) {
  let asked = false;
  const answer = await pages.general(key, () => {
    asked = true;
    return Promise.resolve(page);
  });
  return { answer, asked };
}

describe('NewestPages', () => {
  it('watches the general room, and answers a page read once from memory, counting the hit', async () => {
    const { bus, pages, hits } = setUp();
    expect(bus.watched).toEqual([GENERAL_ROOM_ID]);
    expect(await read(pages, 'compat', 'one')).toEqual({ answer: 'one', asked: true });
    expect(await read(pages, 'compat', 'two')).toEqual({ answer: 'one', asked: false });
    expect(await read(pages, 'room:50', 'other')).toEqual({ answer: 'other', asked: true });
    expect(hits.count).toBe(1);
  });

  it.each(PAGE_CHANGES.map((event) => [event.type, event] as const))(
    'reads again after %s',
    async (_type, event) => {
      const { bus, pages } = setUp();
      await read(pages, 'compat', 'before');
      bus.publish(event);
      expect(await read(pages, 'compat', 'after')).toEqual({ answer: 'after', asked: true });
    },
  );

  it('keeps the pages through changes that do not show on them', async () => {
    const { bus, pages } = setUp();
    await read(pages, 'compat', 'kept');
    bus.publish(created(2));
    bus.publish({ type: 'typing', roomId: GENERAL_ROOM_ID, userId: 1 });
    bus.publish({ type: 'mutes.changed', userId: 1 });
    expect(await read(pages, 'compat', 'new')).toEqual({ answer: 'kept', asked: false });
  });

  it('keeps nothing while the bus is away, and forgets what it kept when it goes', async () => {
    const { bus, pages } = setUp();
    await read(pages, 'compat', 'before');
    bus.link(false);
    expect(await read(pages, 'compat', 'during')).toEqual({ answer: 'during', asked: true });
    expect(await read(pages, 'compat', 'during 2')).toEqual({ answer: 'during 2', asked: true });
    bus.link(true);
    expect(await read(pages, 'compat', 'after')).toEqual({ answer: 'after', asked: true });
    expect(await read(pages, 'compat', 'again')).toEqual({ answer: 'after', asked: false });
  });

  it('does not keep a read that started before the first (unannounced) connection', async () => {
    const { bus, pages } = setUp();
    bus.link(false, false);
    let finish!: (page: string) => void;
    const answer = pages.general('compat', () => new Promise((resolve) => (finish = resolve)));
    bus.link(true, false);
    finish('started offline');
    expect(await answer).toBe('started offline');
    expect(await read(pages, 'compat', 'fresh')).toEqual({ answer: 'fresh', asked: true });
  });

  it('reads the database while an insert of this instance is in doubt, keeping nothing', async () => {
    const { pages, writer } = setUp();
    await pages.general('compat', () => Promise.resolve('["kept"]'));
    writer.inDoubt = true;
    // The insert may have stored a message no event announced yet.
    expect(await pages.general('compat', () => Promise.resolve('["b","kept"]'))).toBe(
      '["b","kept"]',
    );
    writer.inDoubt = false;
    // Settled with nothing stored (a stored row would have been announced, clearing the page).
    expect(await pages.general('compat', () => Promise.resolve('["unread"]'))).toBe('["kept"]');
  });

  it('does not keep a read during which a change was heard', async () => {
    const { bus, pages } = setUp();
    let finish!: (page: string) => void;
    const answer = pages.general('compat', () => new Promise((resolve) => (finish = resolve)));
    bus.publish(created(GENERAL_ROOM_ID));
    finish('older than the change');
    expect(await answer).toBe('older than the change');
    expect(await read(pages, 'compat', 'fresh')).toEqual({ answer: 'fresh', asked: true });
  });

  /**
   * A model of one instance: the database's state is a number that each write raises; a write's
   * event reaches the instance later (or never, if its link is cut meanwhile), and a read's
   * snapshot is taken anywhere between its start and its end. A page answered from memory is never
   * older than a change this instance has heard, nor than the database when the link came back.
   */
  it('never answers a page older than what the instance heard (model)', async () => {
    const operation = fc.oneof(
      fc.record({ op: fc.constant('write' as const) }),
      fc.record({ op: fc.constant('deliver' as const) }),
      fc.record({ op: fc.constant('cut' as const) }),
      fc.record({ op: fc.constant('restore' as const) }),
      fc.record({ op: fc.constant('get' as const), key: fc.constantFrom('compat', 'room:50') }),
      fc.record({ op: fc.constant('finish' as const), which: fc.nat(), late: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.boolean(),
        fc.array(operation, { maxLength: 40, size: 'medium' }),
        async (online, ops) => {
          const bus = new TestBus();
          bus.connected = online;
          const metrics = { historyCacheHits: { inc: () => undefined } } as unknown as ChatMetrics;
          const pages = new NewestPages(bus, metrics, {
            hasWritesInDoubt: () => false,
          } as unknown as MessageWriter);
          pages.onModuleInit();
          let database = 0;
          let floor = 0;
          let firstConnection = !online;
          let unheard: number[] = [];
          const reads: {
            startedAt: number;
            finish: (page: string) => void;
            answer: Promise<string>;
          }[] = [];
          for (const step of ops) {
            if (step.op === 'write') {
              database++;
              unheard.push(database);
            } else if (step.op === 'deliver' && unheard.length > 0) {
              const version = unheard.shift()!;
              if (!bus.connected) continue; // missed: the link was away
              bus.publish(PAGE_CHANGES[version % PAGE_CHANGES.length]);
              floor = Math.max(floor, version);
            } else if (step.op === 'cut' && bus.connected) {
              bus.link(false);
              unheard = [];
            } else if (step.op === 'restore' && !bus.connected) {
              bus.link(true, !firstConnection);
              firstConnection = false;
              floor = Math.max(floor, database);
            } else if (step.op === 'get') {
              let finish: ((page: string) => void) | undefined;
              const answer = pages.general(
                step.key,
                () => new Promise<string>((resolve) => (finish = resolve)),
              );
              if (finish) {
                reads.push({ startedAt: database, finish, answer });
              } else {
                expect(Number(await answer)).toBeGreaterThanOrEqual(floor);
              }
            } else if (step.op === 'finish' && reads.length > 0) {
              const [done] = reads.splice(step.which % reads.length, 1);
              const snapshot = step.late ? database : done.startedAt;
              done.finish(String(snapshot));
              expect(await done.answer).toBe(String(snapshot));
            }
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
