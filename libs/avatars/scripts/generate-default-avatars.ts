// Renders the default avatars and the deleted-user avatar into libs/avatars/assets as 72x72 WebP.
// Deterministic: run it again (`npm run avatars:generate`) after changing default-avatar-art.ts.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  DEFAULT_AVATAR_TOTAL,
  defaultAvatarSvg,
  deletedAvatarSvg,
} from '../src/default-avatar-art';

const ASSETS = join(__dirname, '..', 'assets');

async function render(svg: string, file: string): Promise<void> {
  await writeFile(file, await sharp(Buffer.from(svg)).webp({ lossless: true }).toBuffer());
}

async function main(): Promise<void> {
  await mkdir(join(ASSETS, 'default'), { recursive: true });
  for (let index = 0; index < DEFAULT_AVATAR_TOTAL; index++) {
    const name = `${String(index + 1).padStart(2, '0')}.webp`;
    await render(defaultAvatarSvg(index), join(ASSETS, 'default', name));
  }
  await render(deletedAvatarSvg(), join(ASSETS, 'deleted.webp'));
  console.log(
    `Wrote ${DEFAULT_AVATAR_TOTAL} default avatars and the deleted-user avatar to ${ASSETS}`,
  );
}

void main();
