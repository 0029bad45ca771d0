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

/** A PresenceService on a memory store, each user in `roomsOf(userId)` (rooms of 2 members). */
function setUp(roomsOf: (userId: number) => Promise<number[]> = () => Promise.resolve([5])) {
  const store = new MemoryPresenceStore();
  const bus = new RecordingBus();
  const rooms = {
    roomsOf: jest.fn(async (userId: number) =>
      (await roomsOf(userId)).map((room_id) => ({ room_id, last_seq: 0 })),
    ),
    memberCounts: jest.fn((ids: number[]) => Promise.resolve(new Map(ids.map((id) => [id, 2])))),
  };
  const metrics = { presenceChanges: { inc: jest.fn() } } as unknown as ChatMetrics;
  const config = { presence: { roomLimit: 100 } } as AppConfig;
  const service = new PresenceService(store, bus, rooms as unknown as RoomAccess, metrics, config);
  service.onModuleInit();
  return { store, bus, rooms, service };
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
      const { service } = setUp(() => new Promise<number[]>(() => undefined));
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
