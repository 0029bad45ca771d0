import { NestExpressApplication } from '@nestjs/platform-express';
import { join } from 'node:path';
import { AppConfig } from '@chat/config';
import { UPLOADS_URL } from './avatar-storage.service';

/** The default and deleted-user avatars that ship with the server (see scripts/). */
export const BUNDLED_AVATARS = join(__dirname, '..', 'assets');

/**
 * Serves avatars under /static/avatars: the bundled ones, and uploads from AVATAR_DIR. Upload
 * names change with their content, so they are cached for good.
 */
export function serveAvatarFiles(app: NestExpressApplication, config: AppConfig): void {
  app.useStaticAssets(config.avatars.dir, {
    prefix: UPLOADS_URL,
    maxAge: '365d',
    immutable: true,
    index: false,
    dotfiles: 'ignore',
  });
  app.useStaticAssets(BUNDLED_AVATARS, {
    prefix: '/static/avatars',
    maxAge: '7d',
    index: false,
    dotfiles: 'ignore',
  });
}
