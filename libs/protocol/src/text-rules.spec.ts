import fc from 'fast-check';
import { isClientId, normalizeMessageText } from './text-rules';

/** Characters a hostile client likes, mixed with any code point. */
const hostileCharacter = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\u001b', '\u007f', '\u0085', ' ', '\n'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const hostileString = fc.string({ unit: hostileCharacter, maxLength: 80 });

/** What node-postgres sends for a string: its UTF-8 bytes (a half surrogate becomes U+FFFD). */
const asStored = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

describe('isClientId', () => {
  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800'],
    ['a lone low surrogate', '\udc00b'],
    ['an escape', 'a\u001b[31m'],
    ['a newline', 'a\nb'],
    ['DEL', 'a\u007f'],
    ['a C1 control', 'a\u0085'],
    ['nothing', ''],
    ['65 units', 'c'.repeat(65)],
  ])('refuses %s', (_case, value) => {
    expect(isClientId(value)).toBe(false);
  });

  it.each([
    ['a UUID', '0b6d5c3e-9a5e-4d57-9c1a-3f1b2a4c5d6e'],
    ['64 units', 'c'.repeat(64)],
    ['an emoji (a whole pair)', 'key-😀'],
    ['spaces and punctuation', 'my key #1'],
  ])('accepts %s', (_case, value) => {
    expect(isClientId(value)).toBe(true);
  });

  it('accepts only keys that PostgreSQL stores exactly as sent', () => {
    fc.assert(
      fc.property(hostileString, (value) => {
        if (!isClientId(value)) return;
        expect(value).not.toContain('\u0000');
        expect(asStored(value)).toBe(value);
      }),
    );
  });
});

describe('normalizeMessageText', () => {
  it('accepts only text that PostgreSQL stores exactly as sent', () => {
    fc.assert(
      fc.property(hostileString, (value) => {
        const text = normalizeMessageText(value);
        if (text === null) return;
        expect(text).not.toContain('\u0000');
        expect(asStored(text)).toBe(text);
        expect(text).toBe(text.trim());
      }),
    );
  });
});
