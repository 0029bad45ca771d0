import sharp from 'sharp';
import { BadRequestError } from '@chat/errors';

export const MAX_UPLOAD_BYTES = 1024 * 1024;
/** Larger pictures are refused before decoding: a small file can unpack to gigabytes. */
export const MAX_INPUT_PIXELS = 25_000_000;
const ACCEPTED_FORMATS = new Set(['png', 'jpeg', 'webp']);

const invalid = () => new BadRequestError('Invalid image');

/**
 * Judges an upload by its content alone: a PNG, JPEG or WebP whose header sharp can read, within
 * the pixel limit, and not cut short (each format's container says where it ends). Decoding the
 * pixels is left to the background job.
 */
export async function checkImage(file: Buffer): Promise<void> {
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(file).metadata();
  } catch {
    throw invalid();
  }
  const { format, width, height } = metadata;
  if (!ACCEPTED_FORMATS.has(format) || !width || !height) throw invalid();
  if (width * height > MAX_INPUT_PIXELS) throw invalid();
  if (!isComplete(file, format)) throw invalid();
}

function isComplete(file: Buffer, format: string): boolean {
  switch (format) {
    case 'png':
      // The last chunk is IEND: length (4 bytes), type, CRC (4 bytes).
      return file.subarray(-8, -4).toString('latin1') === 'IEND';
    case 'jpeg': {
      // Ends with the EOI marker; some encoders pad with zero bytes after it.
      let end = file.length;
      while (end > 2 && file[end - 1] === 0) end--;
      return file[end - 2] === 0xff && file[end - 1] === 0xd9;
    }
    case 'webp':
      // RIFF header: the size field counts everything after its own 8 bytes.
      return file.length >= 12 && file.readUInt32LE(4) + 8 <= file.length;
    default:
      return false;
  }
}

/** The avatar itself: upright per EXIF, first frame only, cropped to fill 72x72, no metadata. */
export function renderAvatar(file: Buffer): Promise<Buffer> {
  return sharp(file, { limitInputPixels: MAX_INPUT_PIXELS, failOn: 'truncated' })
    .rotate()
    .resize(72, 72, { fit: 'cover' })
    .webp({ quality: 82 })
    .toBuffer();
}
