import { EventBus } from '@chat/events';
import { MuteRegistry } from './mute-registry.service';
import { Mute, MutesRepository } from './mutes.repository';

/** A repository whose reads wait until the test lets each one answer. */
class HeldRepository {
  mutes: Mute[] = [];
  private held: (() => void)[] = [];

  inForceOf(userId: number): Promise<Mute[]> {
    return this.later(() => this.mutes.filter((mute) => mute.user_id === userId));
  }

  allInForce(): Promise<Mute[]> {
    return this.later(() => [...this.mutes]);
  }

  /** Lets the oldest waiting read answer, with what it saw when it began. */
  release(): void {
    this.held.shift()?.();
  }

  /** Lets the newest waiting read answer first. */
  releaseNewest(): void {
    this.held.pop()?.();
  }

  private later(read: () => Mute[]): Promise<Mute[]> {
    const seen = read();
    return new Promise((resolve) => this.held.push(() => resolve(seen)));
  }
}

const mute = (userId: number): Mute => ({
  id: userId,
  user_id: userId,
  room_id: null,
  actor_id: 99,
  reason: 'x',
  until: null,
  created_at: '2026-01-01T00:00:00.000Z',
});

describe('MuteRegistry', () => {
  let repository: HeldRepository;
  let registry: MuteRegistry;

  beforeEach(() => {
    repository = new HeldRepository();
    // The bus is only subscribed to at bootstrap, which these tests do not run.
    registry = new MuteRegistry(repository as unknown as MutesRepository, {} as EventBus);
  });

  it('keeps a mute made while a full read was under way', async () => {
    const full = registry.reloadAll(); // reads before the mute
    repository.mutes.push(mute(7));
    const one = registry.reloadUser(7);
    repository.releaseNewest(); // the user's read, with the mute, applies first ...
    await one;
    repository.release(); // ... then the full read, from before it
    await full;
    expect(registry.refusal(7, 1)).not.toBeNull();
  });

  it('keeps a lift made while a full read was under way', async () => {
    repository.mutes.push(mute(7));
    const first = registry.reloadAll();
    repository.release();
    await first;
    expect(registry.refusal(7, 1)).not.toBeNull();

    const full = registry.reloadAll(); // still sees the mute
    repository.mutes = [];
    const one = registry.reloadUser(7);
    repository.releaseNewest();
    await one;
    repository.release();
    await full;
    expect(registry.refusal(7, 1)).toBeNull();
  });

  it('applies the latest of two reads of a user, whichever answers last', async () => {
    const before = registry.reloadUser(7); // begins before the mute
    repository.mutes.push(mute(7));
    const after = registry.reloadUser(7);
    repository.releaseNewest(); // the later read answers first ...
    await after;
    repository.release(); // ... and the earlier one, from before the mute, must not undo it
    await Promise.all([before, after]);
    expect(registry.refusal(7, 1)).not.toBeNull();
  });
});
