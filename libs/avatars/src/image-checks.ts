import sharp from 'sharp';
import { BadRequestError } from '@chat/errors';

export const MAX_UPLOAD_BYTES = 1024 * 1024;
/** Larger pictures are refused before decoding: a small file can unpack to gigabytes. */
export const MAX_INPUT_PIXELS = 25_000_000;

type AcceptedFormat = 'png' | 'jpeg' | 'webp';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

const invalid = () => new BadRequestError('Invalid image');

/** The accepted format a file's first bytes announce, if any. */
export function formatBySignature(file: Buffer): AcceptedFormat | undefined {
  if (startsWith(file, PNG_SIGNATURE)) return 'png';
  if (startsWith(file, JPEG_SIGNATURE)) return 'jpeg';
  // RIFF, the size of what follows, then the form type WEBP.
  if (file.length >= 12 && file.toString('latin1', 0, 4) === 'RIFF') {
    if (file.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  }
  return undefined;
}

/**
 * Judges an upload by its content alone: a PNG, JPEG or WebP by its signature (anything else never
 * reaches libvips, whose many parsers are attack surface), whose header sharp can read as that
 * format, within the pixel limit, and not cut short (each format's container says where it ends).
 * Decoding the pixels is left to the background job.
 */
export async function checkImage(file: Buffer): Promise<void> {
  const signature = formatBySignature(file);
  if (!signature) throw invalid();
  let metadata: sharp.Metadata;
  try {
    metadata = await sharp(file).metadata();
  } catch {
    throw invalid();
  }
  const { format, width, height } = metadata;
  if (format !== signature || !width || !height) throw invalid();
  if (width * height > MAX_INPUT_PIXELS) throw invalid();
  if (!isComplete(file, format)) throw invalid();
}

function startsWith(file: Buffer, prefix: Buffer): boolean {
  return file.length >= prefix.length && file.subarray(0, prefix.length).equals(prefix);
}

function isComplete(file: Buffer, format: AcceptedFormat): boolean {
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
      return file.readUInt32LE(4) + 8 <= file.length;
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
