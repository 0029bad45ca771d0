import { ChatEvent, EventBus } from '@chat/events';
import { TYPING_SHOWN_MS, TYPING_THROTTLE_MS } from '@chat/protocol';
import { MemoryPresenceStore } from './memory-presence-store';
import { TypingService } from './typing.service';

/** A bus on one instance that records when typing went out. */
class TypingBus extends EventBus {
  readonly typedAt: number[] = [];

  publish(event: ChatEvent): void {
    if (event.type === 'typing') this.typedAt.push(Date.now());
  }

  watchRoom(): Promise<boolean> {
    return Promise.resolve(false);
  }

  unwatchRoom(): void {}

  isConnected(): boolean {
    return true;
  }
}

describe('TypingService', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  /** `typed` at each time (ms from the start); when notices went out. */
  async function typeAt(times: number[]): Promise<number[]> {
    const bus = new TypingBus();
    const typing = new TypingService(new MemoryPresenceStore(), bus);
    for (const at of times) {
      jest.advanceTimersByTime(at - Date.now());
      typing.typed(7, 5);
      await Promise.resolve();
    }
    return bus.typedAt;
  }

  it('passes continuous typing on without a gap longer than it is shown, arrivals jittered', async () => {
    // The SDK sends one each TYPING_THROTTLE_MS; they arrive a few ms early or late.
    const jitter = [0, -3, 2, -1, 4, -2, 0, 3, -4, 1, -5, 5];
    const passed = await typeAt(jitter.map((ms, i) => i * TYPING_THROTTLE_MS + ms + 10));
    expect(passed).toHaveLength(jitter.length);
    const gaps = passed.slice(1).map((at, i) => at - passed[i]);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(TYPING_SHOWN_MS);
  });

  it('passes at most one notice per user and room within 2.5 s', async () => {
    const passed = await typeAt([0, 100, 2_499, 2_500, 3_000, 4_999, 5_000]);
    expect(passed).toEqual([0, 2_500, 5_000]);
  });
});

describe('TypingService when the wall clock is set back', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  it('still passes a notice each 2.5 s', async () => {
    const bus = new TypingBus();
    const typing = new TypingService(new MemoryPresenceStore(), bus);
    typing.typed(7, 5);
    await Promise.resolve();
    jest.setSystemTime(Date.now() - 3_600_000);
    jest.advanceTimersByTime(2_500);
    typing.typed(7, 5);
    await Promise.resolve();
    expect(bus.typedAt).toHaveLength(2);
  });
});
