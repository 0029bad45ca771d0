import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { PermissionError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { Mute, MutesRepository } from './mutes.repository';

/** How often every mute is read again, in case a change's event was lost between instances. */
const REFRESH_MS = 60_000;

interface HeldMute {
  roomId: number | null;
  /** ms since the epoch; null: no end. */
  until: number | null;
  untilText: string | null;
}

/**
 * The mutes in force, held in memory on every instance so a send is checked without a query.
 * Changed on any instance, they are read again here (`mutes.changed` on the bus), and all of them
 * every minute and whenever the bus comes back. A mute with an end stops counting at its end.
 */
@Injectable()
export class MuteRegistry implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(MuteRegistry.name);
  private byUser = new Map<number, HeldMute[]>();
  /** Counts the per-user reads applied; each user's last one is kept in `changedAt`. */
  private generation = 0;
  private readonly changedAt = new Map<number, number>();
  /** The latest read asked for each user: an earlier read that ends later is dropped. */
  private readonly latestRead = new Map<number, number>();
  private reads = 0;
  private readonly unsubscribe: (() => void)[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly mutes: MutesRepository,
    private readonly events: EventBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.unsubscribe.push(
      this.events.subscribe((event) => {
        if (event.type === 'mutes.changed') void this.reloadUser(event.userId);
      }),
      this.events.onConnectionChange((connected) => {
        if (connected) void this.reloadAll();
      }),
    );
    await this.reloadAll();
    this.timer = setInterval(() => void this.reloadAll(), REFRESH_MS);
    this.timer.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
    for (const stop of this.unsubscribe) stop();
  }

  /** Why the user may not write in the room now (403), or null. */
  refusal(userId: number, roomId: number, now = Date.now()): PermissionError | null {
    const held = this.byUser.get(userId);
    if (!held) return null;
    for (const mute of held) {
      if (mute.until !== null && mute.until <= now) continue;
      if (mute.roomId !== null && mute.roomId !== roomId) continue;
      const where = mute.roomId === null ? 'everywhere' : 'in this room';
      const end = mute.untilText === null ? '' : ` until ${mute.untilText}`;
      return new PermissionError(`You are muted ${where}${end}`);
    }
    return null;
  }

  /** Reads one user's mutes again (after a change on this instance, at once). */
  async reloadUser(userId: number): Promise<void> {
    const read = ++this.reads;
    this.latestRead.set(userId, read);
    try {
      const mutes = await this.mutes.inForceOf(userId);
      if (this.latestRead.get(userId) !== read) return; // a later read of this user will apply
      this.hold(userId, mutes);
      this.changedAt.set(userId, ++this.generation);
    } catch (error) {
      this.logger.warn(`Mutes of user ${userId} not read again: ${(error as Error).message}`);
    }
  }

  /**
   * Reads every mute in force. A user read again on their own since this read began keeps what
   * that read found: the full read may have started before their change.
   */
  async reloadAll(): Promise<void> {
    const started = this.generation;
    try {
      const all = await this.mutes.allInForce();
      const next = new Map<number, HeldMute[]>();
      for (const mute of all) {
        const list = next.get(mute.user_id) ?? [];
        list.push(held(mute));
        next.set(mute.user_id, list);
      }
      for (const [userId, at] of this.changedAt) {
        if (at <= started) {
          this.changedAt.delete(userId);
          continue;
        }
        const current = this.byUser.get(userId);
        if (current) next.set(userId, current);
        else next.delete(userId);
      }
      this.byUser = next;
    } catch (error) {
      this.logger.warn(`Mutes not read again: ${(error as Error).message}`);
    }
  }

  private hold(userId: number, mutes: Mute[]): void {
    if (mutes.length === 0) this.byUser.delete(userId);
    else this.byUser.set(userId, mutes.map(held));
  }
}

function held(mute: Mute): HeldMute {
  return {
    roomId: mute.room_id,
    until: mute.until === null ? null : Date.parse(mute.until),
    untilText: mute.until,
  };
}
