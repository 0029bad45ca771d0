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
    try {
      this.hold(userId, await this.mutes.inForceOf(userId));
    } catch (error) {
      this.logger.warn(`Mutes of user ${userId} not read again: ${(error as Error).message}`);
    }
  }

  private async reloadAll(): Promise<void> {
    try {
      const all = await this.mutes.allInForce();
      const next = new Map<number, HeldMute[]>();
      for (const mute of all) {
        const list = next.get(mute.user_id) ?? [];
        list.push(held(mute));
        next.set(mute.user_id, list);
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
