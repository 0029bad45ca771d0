import fc from 'fast-check';
import sharp from 'sharp';
import { BadRequestError } from '@chat/errors';
import { checkImage, formatBySignature } from './image-checks';

jest.mock('sharp', () => {
  const actual = jest.requireActual('sharp');
  return { __esModule: true, default: jest.fn((...args: unknown[]) => actual(...args)) };
});
const sharpCalls = sharp as unknown as jest.Mock;

const SIGNATURES = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  [0xff, 0xd8, 0xff],
  [...Buffer.from('RIFF'), 0, 0, 0, 0, ...Buffer.from('WEBP')],
];

describe('checkImage', () => {
  beforeEach(() => sharpCalls.mockClear());

  it('never hands sharp bytes that do not start with a PNG, JPEG or WebP signature', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 256 }), async (bytes) => {
        const file = Buffer.from(bytes);
        fc.pre(formatBySignature(file) === undefined);
        sharpCalls.mockClear();
        await expect(checkImage(file)).rejects.toThrow(BadRequestError);
        expect(sharpCalls).not.toHaveBeenCalled();
      }),
    );
  });

  it('recognises each accepted signature, whatever follows it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SIGNATURES),
        fc.uint8Array({ maxLength: 64 }),
        (signature, rest) => {
          const file = Buffer.from([...signature, ...rest]);
          expect(formatBySignature(file)).toBeDefined();
        },
      ),
    );
  });

  it.each([
    ['a GIF', sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).gif()],
    ['a TIFF', sharp({ create: { width: 4, height: 4, channels: 3, background: '#000' } }).tiff()],
  ])('refuses %s before sharp reads it', async (_, image) => {
    const file = await image.toBuffer();
    sharpCalls.mockClear();
    await expect(checkImage(file)).rejects.toThrow('Invalid image');
    expect(sharpCalls).not.toHaveBeenCalled();
  });

  it('accepts a real PNG, JPEG and WebP', async () => {
    const picture = () =>
      sharp({ create: { width: 4, height: 4, channels: 3, background: '#08f' } });
    for (const file of [
      await picture().png().toBuffer(),
      await picture().jpeg().toBuffer(),
      await picture().webp().toBuffer(),
    ]) {
      await expect(checkImage(file)).resolves.toBeUndefined();
    }
  });

  it('refuses a file whose signature and content disagree', async () => {
    const png = await sharp({ create: { width: 4, height: 4, channels: 3, background: '#08f' } })
      .png()
      .toBuffer();
    const disguised = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), png]);
    await expect(checkImage(disguised)).rejects.toThrow('Invalid image');
  });
});
