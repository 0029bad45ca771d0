import { AppConfig } from '@chat/config';
import { ChatEvent, EventBus, PresenceChangedEvent } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { RoomAccess } from '@chat/rooms';
import { MemoryPresenceStore } from './memory-presence-store';
import { PresenceService } from './presence.service';

/** A bus on one instance that records what is published. */
class RecordingBus extends EventBus {
  readonly published: ChatEvent[] = [];

  publish(event: ChatEvent): void {
    this.published.push(event);
    this.deliver(event);
  }

  watchRoom(): Promise<boolean> {
    return Promise.resolve(false);
  }

  unwatchRoom(): void {}

  isConnected(): boolean {
    return true;
  }

  presence(): Omit<PresenceChangedEvent, 'type'>[] {
    return this.published
      .filter((event): event is PresenceChangedEvent => event.type === 'presence.changed')
      .map(({ userId, status, roomIds, counts }) => ({ userId, status, roomIds, counts }));
  }
}

interface Options {
  /** Each user's rooms (default: room 5). */
  roomsOf?: (userId: number) => Promise<number[]>;
  /** Each room's member count (default 2); rooms of more than 100 are large. */
  sizeOf?: (roomId: number) => number;
}

/** A PresenceService on a memory store, on one instance. */
function setUp({ roomsOf = () => Promise.resolve([5]), sizeOf = () => 2 }: Options = {}) {
  const store = new MemoryPresenceStore();
  const bus = new RecordingBus();
  const rooms = {
    roomsOf: jest.fn(async (userId: number) =>
      (await roomsOf(userId)).map((room_id) => ({ room_id, last_seq: 0 })),
    ),
    memberCounts: jest.fn((ids: number[]) =>
      Promise.resolve(new Map(ids.map((id) => [id, sizeOf(id)]))),
    ),
  };
  const metrics = { presenceChanges: { inc: jest.fn() } } as unknown as ChatMetrics;
  const config = { presence: { roomLimit: 100 } } as AppConfig;
  const service = new PresenceService(store, bus, rooms as unknown as RoomAccess, metrics, config);
  service.onModuleInit();
  return { store, bus, rooms, service };
}

/** A gate: reads wait at it while closed. */
function gate() {
  let closed = false;
  const waiting: (() => void)[] = [];
  return {
    close: () => (closed = true),
    open: () => {
      closed = false;
      for (const release of waiting.splice(0)) release();
    },
    pass: () => (closed ? new Promise<void>((resolve) => waiting.push(resolve)) : undefined),
  };
}

const settled = () => new Promise((resolve) => setImmediate(resolve));

describe('PresenceService at shutdown', () => {
  it('announces the users of the sockets still recorded here as offline before the bus closes', async () => {
    const { bus, service } = setUp();
    service.connect(7);
    service.connect(8);
    await settled();
    await service.beforeApplicationShutdown();
    expect(bus.presence().filter((change) => change.status === 'offline')).toEqual([
      { userId: 7, status: 'offline', roomIds: [5], counts: [] },
      { userId: 8, status: 'offline', roomIds: [5], counts: [] },
    ]);
  });

  it('does not hold the shutdown longer than 3 s when the database hangs', async () => {
    jest.useFakeTimers();
    try {
      const { service } = setUp({ roomsOf: () => new Promise<number[]>(() => undefined) });
      service.connect(7);
      let done = false;
      const stopping = service.beforeApplicationShutdown().then(() => (done = true));
      await jest.advanceTimersByTimeAsync(2_900);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(100);
      await stopping;
      expect(done).toBe(true);
    } finally {
      jest.useRealTimers();
    }
  });
});

describe('PresenceService and membership changes', () => {
  const LARGE = 50;

  it('does not count a user in a large room they left while their announcement was in flight', async () => {
    let membership = [1, LARGE];
    const reads = gate();
    const { bus, store, service } = setUp({
      roomsOf: async () => {
        const snapshot = membership;
        await reads.pass();
        return snapshot;
      },
      sizeOf: (roomId) => (roomId === LARGE ? 1_000 : 2),
    });
    reads.close();
    service.connect(7); // its announcement reads the rooms [1, LARGE], and waits
    await settled();
    membership = [1];
    bus.publish({ type: 'member.left', roomId: LARGE, seq: 2, userId: 7, reason: 'left' });
    await settled();
    reads.open();
    for (let i = 0; i < 10; i++) await settled();
    expect(await store.onlineCounts([1, LARGE])).toEqual([1, 0]);
  });

  it('counts a user in a large room they joined while their announcement was in flight', async () => {
    let membership = [1];
    const reads = gate();
    const { bus, store, service } = setUp({
      roomsOf: async () => {
        const snapshot = membership;
        await reads.pass();
        return snapshot;
      },
      sizeOf: (roomId) => (roomId === LARGE ? 1_000 : 2),
    });
    reads.close();
    service.connect(7);
    await settled();
    membership = [1, LARGE];
    // Only what presence reads of the event.
    const member = { user_id: 7 };
    bus.publish({ type: 'member.joined', roomId: LARGE, seq: 2, member } as unknown as ChatEvent);
    await settled();
    reads.open();
    for (let i = 0; i < 10; i++) await settled();
    expect(await store.onlineCounts([1, LARGE])).toEqual([1, 1]);
    expect(bus.presence().at(-1)).toEqual({
      userId: 7,
      status: 'online',
      roomIds: [],
      counts: [{ roomId: LARGE, online: 1 }],
    });
  });
});

describe("PresenceService's reads of a user's rooms", () => {
  it('reads them once for changes in a row, and afresh after the user joined or left a room', async () => {
    const { bus, rooms, service } = setUp();
    const connectionId = service.connect(7);
    await settled();
    for (let i = 0; i < 10; i++) {
      await service.setStatus(connectionId, i % 2 ? 'online' : 'away');
    }
    await settled();
    expect(rooms.roomsOf).toHaveBeenCalledTimes(1);
    bus.publish({ type: 'member.left', roomId: 9, seq: 2, userId: 7, reason: 'left' });
    await settled();
    expect(rooms.roomsOf).toHaveBeenCalledTimes(2);
    await service.setStatus(connectionId, 'away');
    await settled();
    expect(rooms.roomsOf).toHaveBeenCalledTimes(2);
    expect(bus.presence().filter((change) => change.userId === 7)).toHaveLength(12);
  });
});

describe('PresenceService announcing many changes at once', () => {
  it('works on at most 4 users at a time, and announces them all', async () => {
    let running = 0;
    let most = 0;
    const { bus, store } = setUp({
      roomsOf: async () => {
        most = Math.max(most, ++running);
        await new Promise((resolve) => setTimeout(resolve, 1));
        running--;
        return [5];
      },
    });
    // A sweep of a dead instance reports its 50 users at once.
    store.changed(Array.from({ length: 50 }, (_, i) => ({ userId: 100 + i, status: 'offline' })));
    for (let i = 0; i < 500 && bus.presence().length < 50; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(bus.presence()).toHaveLength(50);
    expect(most).toBe(4);
  });
});
