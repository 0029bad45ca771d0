import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import pLimit, { LimitFunction } from 'p-limit';
import { AppConfig } from '@chat/config';
import { TooManyRequestsError, UnavailableError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { UsersService } from '@chat/users';
import { AvatarStorage } from './avatar-storage.service';
import { renderAvatar } from './image-checks';

/** Uploads waiting at most; with 1 MiB each this bounds the memory they hold. */
const MAX_WAITING_JOBS = 100;
/** Uploads of one user waiting at most, so that one user cannot fill the queue for everyone. */
const MAX_WAITING_JOBS_PER_USER = 2;

/**
 * Resizes uploads in the background, AVATAR_JOB_CONCURRENCY at a time, and one user's uploads in
 * the order they came, so the last upload is the avatar that stays.
 */
@Injectable()
export class AvatarProcessor implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AvatarProcessor');
  private readonly limit: LimitFunction;
  private readonly lastJobOf = new Map<number, Promise<void>>();
  private readonly waitingOf = new Map<number, number>();
  private waiting = 0;

  constructor(
    config: AppConfig,
    private readonly storage: AvatarStorage,
    private readonly users: UsersService,
    private readonly events: EventBus,
    private readonly metrics: ChatMetrics,
  ) {
    this.limit = pLimit(config.avatars.concurrency);
  }

  submit(userId: number, image: Buffer): void {
    const waitingOfUser = this.waitingOf.get(userId) ?? 0;
    if (waitingOfUser >= MAX_WAITING_JOBS_PER_USER) {
      throw new TooManyRequestsError(
        'Too many avatar uploads waiting; upload again once the previous ones are done',
      );
    }
    if (this.waiting >= MAX_WAITING_JOBS) {
      throw new UnavailableError('Too many avatar uploads at once; try again shortly');
    }
    this.waiting++;
    this.waitingOf.set(userId, waitingOfUser + 1);
    const previous = this.lastJobOf.get(userId) ?? Promise.resolve();
    const job = previous
      .then(() => this.limit(() => this.process(userId, image)))
      .finally(() => {
        this.waiting--;
        const left = this.waitingOf.get(userId)! - 1;
        if (left === 0) this.waitingOf.delete(userId);
        else this.waitingOf.set(userId, left);
        if (this.lastJobOf.get(userId) === job) this.lastJobOf.delete(userId);
      });
    this.lastJobOf.set(userId, job);
  }

  /** Resolves when every job submitted so far has finished. */
  async drain(): Promise<void> {
    while (this.lastJobOf.size > 0) await Promise.all(this.lastJobOf.values());
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.drain();
  }

  private async process(userId: number, image: Buffer): Promise<void> {
    const stop = this.metrics.avatarJobDuration.startTimer();
    let saved: { path: string; created: boolean } | undefined;
    try {
      saved = await this.storage.save(userId, await renderAvatar(image));
      const previous = await this.users.replaceAvatar(userId, saved.path);
      if (previous === null) {
        // The account was deleted while the picture was being made.
        await this.storage.remove(saved.path);
        this.metrics.avatarJobs.inc({ outcome: 'discarded' });
        return;
      }
      if (previous !== saved.path) await this.storage.remove(previous);
      this.events.publish({ type: 'avatar.changed', userId, avatar: saved.path });
      this.metrics.avatarJobs.inc({ outcome: 'succeeded' });
    } catch (error) {
      this.logger.warn(`Avatar of user ${userId} left unchanged: ${(error as Error).message}`);
      if (saved?.created) await this.storage.remove(saved.path);
      this.metrics.avatarJobs.inc({ outcome: 'failed' });
    } finally {
      stop();
    }
  }
}
