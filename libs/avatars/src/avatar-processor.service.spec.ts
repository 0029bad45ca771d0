import sharp from 'sharp';
import { AppConfig } from '@chat/config';
import { TooManyRequestsError } from '@chat/errors';
import { EventBus } from '@chat/events';
import { ChatMetrics } from '@chat/metrics';
import { UsersService } from '@chat/users';
import { AvatarProcessor } from './avatar-processor.service';
import { AvatarStorage } from './avatar-storage.service';

describe('AvatarProcessor', () => {
  let image: Buffer;
  /** Each save waits until the test lets it finish, so uploads stay waiting meanwhile. */
  let finishSaves: (() => void)[];
  let processor: AvatarProcessor;

  beforeAll(async () => {
    image = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#08f' } })
      .png()
      .toBuffer();
  });
  beforeEach(() => {
    finishSaves = [];
    const storage = {
      save: () =>
        new Promise((resolve) =>
          finishSaves.push(() => resolve({ path: '/static/a.webp', created: true })),
        ),
      remove: async () => undefined,
    } as unknown as AvatarStorage;
    const users = { replaceAvatar: async () => '/static/a.webp' } as unknown as UsersService;
    const events = { publish: () => undefined } as unknown as EventBus;
    const metrics = {
      avatarJobDuration: { startTimer: () => () => undefined },
      avatarJobs: { inc: () => undefined },
    } as unknown as ChatMetrics;
    const config = { avatars: { concurrency: 1 } } as AppConfig;
    processor = new AvatarProcessor(config, storage, users, events, metrics);
  });

  /** Lets every save finish, including those of jobs that start meanwhile. */
  async function finishAll(): Promise<void> {
    let drained = false;
    void processor.drain().then(() => (drained = true));
    for (let turn = 0; turn < 100 && !drained; turn++) {
      finishSaves.splice(0).forEach((finish) => finish());
      await sleep(10);
    }
    expect(drained).toBe(true);
  }

  it('refuses a user more than two waiting uploads while others still get in', async () => {
    processor.submit(1, image);
    processor.submit(1, image);
    expect(() => processor.submit(1, image)).toThrow(TooManyRequestsError);
    expect(() => processor.submit(2, image)).not.toThrow();
    expect(() => processor.submit(2, image)).not.toThrow();
    await finishAll();
    // Once the user's uploads are done, the user may upload again.
    expect(() => processor.submit(1, image)).not.toThrow();
    await finishAll();
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
