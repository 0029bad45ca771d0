import fc from 'fast-check';
import vm from 'node:vm';
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
    ['a bracket holding over 100 characters', `@[${'x'.repeat(101)}]`],
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

  it('takes up to 100 characters between the brackets; past that the @ is plain text', () => {
    expect(mentionedNames(`@[ ${'x'.repeat(98)} ]`)).toEqual(['x'.repeat(98)]);
    expect(mentionedNames(`@[${'я'.repeat(100)}]`)).toEqual(['я'.repeat(100)]);
    expect(mentionedNames(`@[${'x'.repeat(101)} @bob]`)).toEqual(['bob']);
  });

  describe('on crafted text (clients run it on any text they show)', () => {
    /**
     * Runs `read`, stopped with an error past 20 s. Jest's timeout cannot stop synchronous work:
     * a read quadratic in the text's length (a failed bracket or the trailing punctuation read
     * again from each position: hours for these texts) would hang the run instead of failing it.
     * Read in linear time, each of these takes well under a second.
     */
    const guarded = <T>(read: () => T): T =>
      vm.runInNewContext('read()', { read }, { timeout: 20_000 }) as T;
    const M = 1_000_000;

    it.each([
      ['punctuation runs', `@${'.'.repeat(M)}a @bob @${'!'.repeat(M)} @carol.`, ['bob', 'carol']],
      ['unclosed brackets', `${'@['.repeat(M / 2)}\n@[Jane Doe]`, ['Jane Doe']],
      ['unclosed brackets to the end', '@['.repeat(M / 2), []],
      ['brackets too long', `@[${'x'.repeat(M)}] @[${'y '.repeat(M / 2)}`, []],
      ['a long short-form name', `@${'z'.repeat(M)} @[Jane Doe]`, ['Jane Doe']],
      ['@ after @', `${'@'.repeat(M)}bob`, ['bob']],
      ['glued @s', `${'a@b'.repeat(M / 3)} @ann`, ['ann']],
      ['the same name again', `${'@a. '.repeat(M / 4)}@b`, ['a', 'b']],
    ])('reads %s of 1,000,000 characters in linear time', (_case, text, names) => {
      expect(guarded(() => mentionedNames(text))).toEqual(names);
    });

    it('reads any text of 200,000 characters made of the tricky pieces, and finds a name after it', () => {
      const piece = fc.constantFrom('@', '@[', '[', ']', '.', '!', ' ', 'a', 'b', '_', 'я', '\n');
      const check = (pieces: string[]) => {
        const unit = pieces.join('');
        const text = unit.repeat(Math.ceil(200_000 / unit.length));
        const names = mentionedNames(text);
        expect(names.length).toBeLessThanOrEqual(MENTIONS_MAX);
        for (const name of names) expect(text.includes(name)).toBe(true);
        if (names.length < MENTIONS_MAX) {
          expect(mentionedNames(`${text}\n@zed`)).toEqual([...names, 'zed']);
        }
      };
      guarded(() =>
        fc.assert(fc.property(fc.array(piece, { minLength: 1, maxLength: 30 }), check), {
          numRuns: 50,
        }),
      );
    });
  });

  it('finds no name right after a letter, digit or underscore', () => {
    fc.assert(
      fc.property(fc.constantFrom('a', 'Z', '7', '_', 'я'), shortFormName, (glued, name) => {
        expect(mentionedNames(`${glued}@${name}`)).toEqual([]);
      }),
    );
  });
});
