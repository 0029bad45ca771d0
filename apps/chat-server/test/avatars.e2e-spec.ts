import { createHash } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { AvatarProcessor } from '@chat/avatars';
import { ChatClient } from './support/chat-client';
import { bearer, createUser, login, PASSWORD, TestUser } from './support/factories';
import { startTestApp, TestApp } from './support/test-app';

const RED = { r: 255, g: 0, b: 0 };
const BLUE = { r: 0, g: 0, b: 255 };

/** A picture whose left half is red and right half blue. */
async function halves(width: number, height: number) {
  const left = { input: { create: { width: width / 2, height, channels: 3, background: RED } } };
  const { data, info } = await sharp({
    create: { width, height, channels: 3, background: BLUE },
  })
    .composite([{ ...left, left: 0, top: 0 }] as sharp.OverlayOptions[])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return sharp(data, { raw: { width, height, channels: info.channels } });
}

/** A PNG that claims 20000x20000 pixels: a few bytes that would unpack to 400 megapixels. */
function pixelBomb(): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(20_000, 0);
  header.writeUInt32BE(20_000, 4);
  header.set([1, 0, 0, 0, 0], 8); // 1-bit greyscale
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.alloc(2_501 * 16))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

async function pixelAt(image: Buffer, x: number, y: number) {
  const { data, info } = await sharp(image).raw().toBuffer({ resolveWithObject: true });
  const offset = (y * info.width + x) * info.channels;
  return { r: data[offset], g: data[offset + 1], b: data[offset + 2] };
}

const isReddish = (p: { r: number; b: number }) => p.r > 200 && p.b < 60;
const isBluish = (p: { r: number; b: number }) => p.b > 200 && p.r < 60;

describe('avatars', () => {
  let t: TestApp;
  let png: Buffer;

  beforeAll(async () => {
    t = await startTestApp();
    png = await (await halves(200, 100)).png().toBuffer();
  });
  afterAll(() => t.close());

  const upload = (user: TestUser, file: Buffer, filename = 'picture.png') =>
    t.http
      .post('/avatar/upload')
      .set(...bearer(user))
      .attach('image', file, filename);
  const avatarOf = async (user: TestUser) =>
    (
      await t.http
        .get('/user/me')
        .set(...bearer(user))
        .expect(200)
    ).body.user_avatar as string;
  const finishJobs = () => t.app.get(AvatarProcessor).drain();
  const uploadedFiles = async () => (await readdir(t.avatarDir)).filter((f) => !f.startsWith('.'));

  describe('defaults', () => {
    it('serves 20 distinct 72x72 defaults and the deleted-user avatar, with cache headers', async () => {
      const paths = [
        ...Array.from(
          { length: 20 },
          (_, i) => `/static/avatars/default/${String(i + 1).padStart(2, '0')}.webp`,
        ),
        '/static/avatars/deleted.webp',
      ];
      const pictures = new Set<string>();
      for (const path of paths) {
        const response = await t.http.get(path).buffer(true).expect(200);
        expect(response.headers['content-type']).toBe('image/webp');
        expect(response.headers['cache-control']).toMatch(/max-age=\d{5,}/);
        const { data, info } = await sharp(response.body)
          .raw()
          .toBuffer({ resolveWithObject: true });
        expect([info.width, info.height]).toEqual([72, 72]);
        pictures.add(createHash('sha256').update(data).digest('hex'));
      }
      expect(pictures.size).toBe(paths.length);
    });

    it('gives each new user one of the defaults at random', async () => {
      const avatars = new Set<string>();
      for (let i = 0; i < 12; i++) avatars.add(await avatarOf(await createUser(t)));
      for (const avatar of avatars) {
        expect(avatar).toMatch(/^\/static\/avatars\/default\/(0[1-9]|1\d|20)\.webp$/);
      }
      expect(avatars.size).toBeGreaterThan(1);
    });
  });

  describe('POST /avatar/upload', () => {
    it('answers 201 at once, then switches to a 72x72 WebP and tells every client', async () => {
      const user = await createUser(t);
      const watcher = await ChatClient.connect(t.baseUrl);
      const before = await avatarOf(user);
      const response = await upload(user, png).expect(201);
      expect(response.body).toEqual({ message: 'Image sent for resize' });

      const event = await watcher.next((f) => f.event === 'avatar');
      expect(event).toEqual({
        event: 'avatar',
        user_id: user.id,
        user_avatar: expect.stringMatching(/^\/static\/avatars\/uploads\/[\w-]+\.webp$/),
      });
      const avatar = event.user_avatar as string;
      expect(avatar).not.toBe(before);
      expect(await avatarOf(user)).toBe(avatar);

      const file = await t.http.get(avatar).buffer(true).expect(200);
      expect(file.headers['cache-control']).toContain('immutable');
      const metadata = await sharp(file.body).metadata();
      expect(metadata).toMatchObject({ format: 'webp', width: 72, height: 72 });
      expect(metadata.exif).toBeUndefined();
      watcher.close();
    });

    it("shows the new avatar in /user/all and on the author's messages", async () => {
      const user = await createUser(t);
      const client = await ChatClient.connect(t.baseUrl, user.token);
      client.send({ message: 'my face' });
      await client.messages(1);
      await upload(user, png).expect(201);
      await finishJobs();
      const avatar = await avatarOf(user);
      const all = (await t.http.get('/user/all')).body;
      expect(all.find((u: { id: number }) => u.id === user.id).user_avatar).toBe(avatar);
      const [newest] = (await t.http.get('/routers/last_messages')).body;
      expect(newest).toMatchObject({ user_id: user.id, user_avatar: avatar });
      client.close();
    });

    it('accepts the token as ?token= for the original client', async () => {
      const user = await createUser(t);
      await t.http
        .post(`/avatar/upload?token=${encodeURIComponent(user.token)}`)
        .attach('image', png, 'a.png')
        .expect(201);
      await finishJobs();
      expect(await avatarOf(user)).toMatch(/^\/static\/avatars\/uploads\//);
    });

    it('honours EXIF orientation and crops to fill', async () => {
      const user = await createUser(t);
      // Stored sideways: displayed, the red half is on top (orientation 6 turns it clockwise).
      const jpeg = await (await halves(120, 80)).jpeg().withMetadata({ orientation: 6 }).toBuffer();
      await upload(user, jpeg, 'photo.jpg').expect(201);
      await finishJobs();
      const avatar = (await t.http.get(await avatarOf(user)).buffer(true)).body;
      expect(isReddish(await pixelAt(avatar, 36, 4))).toBe(true);
      expect(isBluish(await pixelAt(avatar, 36, 67))).toBe(true);
    });

    it('takes WebP, animated or not, using the first frame', async () => {
      const user = await createUser(t);
      const frame = (colour: typeof RED) =>
        sharp({ create: { width: 40, height: 40, channels: 3, background: colour } })
          .raw()
          .toBuffer();
      const animated = await sharp(Buffer.concat([await frame(RED), await frame(BLUE)]), {
        raw: { width: 40, height: 80, channels: 3, pageHeight: 40 },
      } as sharp.SharpOptions)
        .webp({ loop: 0 })
        .toBuffer();
      expect((await sharp(animated).metadata()).pages).toBe(2);
      await upload(user, animated, 'moving.webp').expect(201);
      await finishJobs();
      const avatar = (await t.http.get(await avatarOf(user)).buffer(true)).body;
      const metadata = await sharp(avatar).metadata();
      expect(metadata.pages ?? 1).toBe(1);
      expect(isReddish(await pixelAt(avatar, 36, 36))).toBe(true);
    });

    it('keeps only the latest of two uploads', async () => {
      const user = await createUser(t);
      const before = new Set(await uploadedFiles());
      await upload(user, png).expect(201);
      const second = await sharp({
        create: { width: 50, height: 50, channels: 3, background: BLUE },
      })
        .png()
        .toBuffer();
      await upload(user, second).expect(201);
      await finishJobs();
      const mine = (await uploadedFiles()).filter((f) => !before.has(f));
      expect(mine).toEqual([(await avatarOf(user)).split('/').pop()]);
      const avatar = (await t.http.get(await avatarOf(user)).buffer(true)).body;
      expect(isBluish(await pixelAt(avatar, 36, 36))).toBe(true);
    });

    it("names the file by user and content, never by the client's file name", async () => {
      const user = await createUser(t);
      await upload(user, png, '../../etc/passwd').expect(201);
      await finishJobs();
      expect(await avatarOf(user)).toMatch(
        new RegExp(`^/static/avatars/uploads/${user.id}-[0-9a-f]{16}\\.webp$`),
      );
    });

    describe('refusals, each leaving the avatar and the files as they were', () => {
      const refusals: [string, () => Promise<Buffer> | Buffer, string, number, object][] = [
        [
          'a text file named .png',
          () => Buffer.from('definitely not a picture\n'),
          'x.png',
          400,
          { detail: 'Invalid image' },
        ],
        [
          'a truncated PNG',
          () => png.subarray(0, png.length - 40),
          't.png',
          400,
          { detail: 'Invalid image' },
        ],
        [
          'a truncated JPEG',
          async () => {
            const jpeg = await (await halves(120, 80)).jpeg().toBuffer();
            return jpeg.subarray(0, jpeg.length - 200);
          },
          't.jpg',
          400,
          { detail: 'Invalid image' },
        ],
        [
          'a GIF',
          () =>
            sharp({ create: { width: 8, height: 8, channels: 3, background: RED } })
              .gif()
              .toBuffer(),
          'a.gif',
          400,
          { detail: 'Invalid image' },
        ],
        [
          'an SVG',
          () => Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'),
          'a.svg',
          400,
          { detail: 'Invalid image' },
        ],
        ['a 20000x20000 pixel bomb', pixelBomb, 'bomb.png', 400, { detail: 'Invalid image' }],
        [
          '1 MiB and one byte',
          () => Buffer.concat([png, Buffer.alloc(1024 * 1024 + 1 - png.length, 1)]),
          'big.png',
          413,
          { detail: 'Request body too large' },
        ],
      ];

      it.each(refusals)('refuses %s', async (_case, make, filename, status, body) => {
        const user = await createUser(t);
        const before = await avatarOf(user);
        const files = await uploadedFiles();
        const response = await upload(user, await make(), filename).expect(status);
        expect(response.body).toEqual(body);
        await finishJobs();
        expect(await avatarOf(user)).toBe(before);
        expect(await uploadedFiles()).toEqual(files);
      });

      it('answers 422 without an image field', async () => {
        const user = await createUser(t);
        await t.http
          .post('/avatar/upload')
          .set(...bearer(user))
          .field('picture', 'x')
          .expect(422);
      });

      it('answers 401 without a token and with a revoked one', async () => {
        await t.http.post('/avatar/upload').attach('image', png, 'a.png').expect(401);
        const user = await createUser(t);
        const session = await login(t, user.name, PASSWORD);
        await t.http
          .post('/user/logout')
          .set(...bearer(session))
          .expect(200);
        const files = await uploadedFiles();
        await upload(session, png).expect(401);
        expect(await uploadedFiles()).toEqual(files);
      });
    });
  });

  it('switches a deleted account to the deleted-user avatar and removes its upload', async () => {
    const user = await createUser(t);
    await upload(user, png).expect(201);
    await finishJobs();
    const uploaded = (await avatarOf(user)).split('/').pop();
    expect(await uploadedFiles()).toContain(uploaded);
    await t.http
      .delete('/user/delete')
      .set(...bearer(user))
      .expect(201);
    const all = (await t.http.get('/user/all')).body;
    expect(all.find((u: { id: number }) => u.id === user.id).user_avatar).toBe(
      '/static/avatars/deleted.webp',
    );
    for (let i = 0; i < 50 && (await uploadedFiles()).includes(uploaded!); i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await uploadedFiles()).not.toContain(uploaded);
  });
});
