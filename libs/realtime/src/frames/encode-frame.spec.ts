import fc from 'fast-check';
import type { Writable } from 'node:stream';
import * as ws from 'ws';
import { encodeFrame } from './encode-frame';
import { noticeFrame, updateFrame } from './server-frames';

/** ws's frame parser, which its type declarations leave out. */
const { Receiver } = ws as unknown as {
  Receiver: new (options: { isServer: boolean }) => Writable;
};

/** What a ws client reads from the bytes: each text message, or the error that stopped it. */
function readAsClient(bytes: Buffer): string[] {
  const texts: string[] = [];
  const receiver = new Receiver({ isServer: false });
  receiver.on('message', (data: Buffer, isBinary: boolean) => {
    expect(isBinary).toBe(false);
    texts.push(data.toString('utf8'));
  });
  receiver.on('error', (error: Error) => texts.push(`error: ${error.message}`));
  receiver.write(bytes);
  return texts;
}

/** The frame's JSON text, `length` bytes of it in UTF-8 once the rest of the frame is added. */
const SHELL = JSON.stringify(updateFrame(1, '')).length;
const frameOfLength = (length: number) => updateFrame(1, 'x'.repeat(length - SHELL));

describe('encodeFrame', () => {
  it('is one unmasked, final text frame a ws client reads back as the JSON, at any length', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.integer({ min: SHELL, max: 200 }),
          fc.integer({ min: 65_500, max: 65_600 }),
          fc.integer({ min: SHELL, max: 70_000 }),
        ),
        fc.string({ unit: 'grapheme', maxLength: 20 }),
        (length, tail) => {
          const frame = updateFrame(1, 'x'.repeat(length - SHELL) + tail);
          expect(readAsClient(encodeFrame(frame))).toEqual([JSON.stringify(frame)]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it.each([
    [125, [0x81, 125]],
    [126, [0x81, 126, 0, 126]],
    [65_535, [0x81, 126, 0xff, 0xff]],
    [65_536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]],
  ])('gives a %i-byte text the shortest header', (length, header) => {
    const bytes = encodeFrame(frameOfLength(length));
    expect([...bytes.subarray(0, header.length)]).toEqual(header);
    expect(bytes.length).toBe(header.length + length);
  });

  it('counts the length in bytes, not characters', () => {
    const bytes = encodeFrame(noticeFrame('Token expired'));
    const text = JSON.stringify(noticeFrame('Token expired'));
    expect(bytes[1]).toBe(Buffer.byteLength(text));
    const wide = updateFrame(1, 'é€😀');
    expect(encodeFrame(wide)[1]).toBe(Buffer.byteLength(JSON.stringify(wide)));
  });
});
