import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { access, mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { AppConfig } from '@chat/config';
import { EventBus } from '@chat/events';

export const UPLOADS_URL = '/static/avatars/uploads';
const UPLOAD_NAME = /^\d+-[0-9a-f]{16}\.webp$/;

/**
 * Uploaded avatars in AVATAR_DIR, named by user and content so each new picture gets a new URL.
 * The client's file name never reaches a path.
 */
@Injectable()
export class AvatarStorage implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('AvatarStorage');
  readonly directory: string;
  private unsubscribe?: () => void;

  constructor(
    config: AppConfig,
    private readonly events: EventBus,
  ) {
    this.directory = resolve(config.avatars.dir);
  }

  async onModuleInit(): Promise<void> {
    await mkdir(this.directory, { recursive: true });
    // A deleted account's picture goes with it.
    this.unsubscribe = this.events.subscribe((event) => {
      if (event.type === 'user.deleted') void this.remove(event.previousAvatar);
    });
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  /**
   * Writes the avatar (atomically: readers never see half a file). Returns its URL path, and
   * whether the file is new (the same picture uploaded again by the same user is not).
   */
  async save(userId: number, webp: Buffer): Promise<{ path: string; created: boolean }> {
    const name = `${userId}-${createHash('sha256').update(webp).digest('hex').slice(0, 16)}.webp`;
    const target = join(this.directory, name);
    const created = !(await exists(target));
    if (created) {
      const partial = join(this.directory, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
      await writeFile(partial, webp);
      await rename(partial, target);
    }
    return { path: `${UPLOADS_URL}/${name}`, created };
  }

  /** Removes an uploaded avatar; default avatars and anything else are left alone. */
  async remove(path: string): Promise<void> {
    const name = path.startsWith(`${UPLOADS_URL}/`) ? path.slice(UPLOADS_URL.length + 1) : '';
    if (!UPLOAD_NAME.test(name)) return;
    try {
      await rm(join(this.directory, name), { force: true });
    } catch (error) {
      this.logger.warn(`Could not remove ${name}: ${(error as Error).message}`);
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}
