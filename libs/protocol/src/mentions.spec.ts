import fc from 'fast-check';
import { mentionedNames, MENTIONS_MAX } from './mentions';

/** Any character a registered name may hold: no control characters, no lone surrogates. */
const nameCharacter = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 1 })
  .filter((c) => !/[\p{Cc}\p{Cs}]/u.test(c));
const registrableName = fc
  .string({ unit: nameCharacter, minLength: 1, maxLength: 100 })
  .map((name) => name.trim())
  .filter((name) => name.length > 0 && [...name].length <= 100);
/** A name the short form can write: no space, no `@`, not `[` first, not punctuation last. */
const shortFormName = registrableName.filter(
  (name) => !/[\s@]|^\[|[.,;:!?'"’”»)\]}>…]$/u.test(name),
);
/** Plain text around a mention (another `@` might open a mention of its own). */
const plain = fc.string({ maxLength: 20 }).map((text) => text.replaceAll('@', ''));
/** Ends (before) or starts (after) with a space or punctuation. */
const before = plain.map((text) => `${text} `);
const after = fc.oneof(
  plain.map((text) => ` ${text}`),
  fc.constantFrom('', ',', '.', '!', '?', ':', ')', '...', "'"),
);
const lower = (names: string[]) => names.map((name) => name.toLowerCase());

describe('mentionedNames', () => {
  it.each([
    ['a short-form name', 'hi @alice', ['alice']],
    ['at the start', '@bob hello', ['bob']],
    ['before punctuation', 'thanks @bob, and @carol!', ['bob', 'carol']],
    ['in parentheses', 'ask (@dave)', ['dave']],
    ['a bracketed name with spaces', 'ping @[Jane Doe] now', ['Jane Doe']],
    ['a bracketed name ending in a dot', 'by @[J.R.]', ['J.R.']],
    ['each name once, ignoring case', '@Bob @bob @BOB', ['Bob']],
    ['two mentions back to back', '@ann@ben', ['ann']],
    ['a name with non-Latin letters', 'привет @Анна', ['Анна']],
  ])('finds %s', (_case, text, names) => {
    expect(mentionedNames(text)).toEqual(names);
  });

  it.each([
    ['an e-mail address', 'write to ann@example.com'],
    ['a lone @', 'meet @ noon'],
    ['an empty bracket', '@[] or @[   ]'],
    ['a name over 100 characters', `@${'x'.repeat(101)}`],
    ['an unclosed bracket', '@[Jane Doe'],
    ['only punctuation', '@!!!'],
  ])('finds nothing in %s', (_case, text) => {
    expect(mentionedNames(text)).toEqual([]);
  });

  it('finds every short-form name written with spaces or punctuation around it', () => {
    fc.assert(
      fc.property(before, shortFormName, after, (head, name, tail) => {
        expect(lower(mentionedNames(`${head}@${name}${tail}`))).toContain(name.toLowerCase());
      }),
    );
  });

  it('finds every registrable name without `]` in the bracketed form', () => {
    fc.assert(
      fc.property(
        before,
        registrableName.filter((name) => !name.includes(']')),
        plain,
        (head, name, tail) => {
          expect(lower(mentionedNames(`${head}@[${name}]${tail}`))).toContain(name.toLowerCase());
        },
      ),
    );
  });

  it('gives at most MENTIONS_MAX names, each 1 to 100 characters, none twice ignoring case', () => {
    const mentionText = fc
      .array(
        fc.oneof(
          shortFormName.map((n) => `@${n}`),
          fc.string({ maxLength: 10 }),
        ),
        {
          maxLength: 150,
        },
      )
      .map((parts) => parts.join(' '));
    fc.assert(
      fc.property(fc.oneof(mentionText, fc.string({ maxLength: 300 })), (text) => {
        const names = mentionedNames(text);
        expect(names.length).toBeLessThanOrEqual(MENTIONS_MAX);
        expect(new Set(lower(names)).size).toBe(names.length);
        for (const name of names) {
          expect([...name].length).toBeGreaterThanOrEqual(1);
          expect([...name].length).toBeLessThanOrEqual(100);
          expect(name).not.toMatch(/[\n\p{Cc}]/u);
        }
      }),
    );
  });

  it('stops at MENTIONS_MAX names', () => {
    const text = Array.from({ length: 80 }, (_, i) => `@user${i}`).join(' ');
    expect(mentionedNames(text)).toEqual(Array.from({ length: 50 }, (_, i) => `user${i}`));
  });

  it('finds no name right after a letter, digit or underscore', () => {
    fc.assert(
      fc.property(fc.constantFrom('a', 'Z', '7', '_', 'я'), shortFormName, (glued, name) => {
        expect(mentionedNames(`${glued}@${name}`)).toEqual([]);
      }),
    );
  });
});
