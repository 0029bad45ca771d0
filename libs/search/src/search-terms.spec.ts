import fc from 'fast-check';
import { SEARCH_PREFIXES_MAX, searchTerms } from './search-terms';

/** What to_tsquery could read as an operator, a label or a quote. */
const TSQUERY_SYNTAX = /[&|!()<>:*'\\\s-]/u;

/** The split, its words with the spacing left by the prefixes taken out folded. */
function split(query: string) {
  const terms = searchTerms(query);
  return { words: terms.words.trim().split(/\s+/).filter(Boolean), prefixes: terms.prefixes };
}

describe('searchTerms', () => {
  it('takes a word ending in * as a prefix, and leaves the rest to websearch_to_tsquery', () => {
    expect(split('"release notes" deplo* -draft')).toEqual({
      words: ['"release', 'notes"', '-draft'],
      prefixes: 'deplo:*',
    });
    expect(split('сообщ* kube*')).toEqual({ words: [], prefixes: 'сообщ:* & kube:*' });
  });

  it('searches a prefix shorter than 3 letters as a word', () => {
    expect(split('ab* c*')).toEqual({ words: ['ab', 'c'], prefixes: '' });
  });

  it('does not take a star inside a word, or a star alone', () => {
    expect(split('a*b * **')).toEqual({ words: ['a*b', '*', '**'], prefixes: '' });
    expect(split('x-ray*')).toEqual({ words: ['x-'], prefixes: 'ray:*' });
  });

  it('replaces NUL, which PostgreSQL text cannot hold, by a space', () => {
    expect(split('her\u0000on kube\u0000*')).toEqual({
      words: ['her', 'on', 'kube', '*'],
      prefixes: '',
    });
    expect(searchTerms('a\u0000b').words).not.toContain('\u0000');
  });

  it(`keeps at most ${SEARCH_PREFIXES_MAX} prefixes, searching the rest as words`, () => {
    expect(split('aaa* bbb* ccc* ddd* eee* fff* ggg*')).toEqual({
      words: ['fff', 'ggg'],
      prefixes: 'aaa:* & bbb:* & ccc:* & ddd:* & eee:*',
    });
  });

  it('gives to_tsquery nothing it could read as syntax, whatever the query', () => {
    fc.assert(
      fc.property(
        fc.string({
          unit: fc.constantFrom(
            'a',
            'é',
            'ж',
            '1',
            '*',
            '&',
            '|',
            '!',
            ':',
            "'",
            '\\',
            '(',
            ' ',
            '"',
            '-',
            '\u0301',
          ),
          maxLength: 60,
        }),
        (query) => {
          const { prefixes } = searchTerms(query);
          if (prefixes === '') return;
          const parts = prefixes.split(' & ');
          expect(parts.length).toBeLessThanOrEqual(SEARCH_PREFIXES_MAX);
          for (const part of parts) {
            expect(part.endsWith(':*')).toBe(true);
            const word = part.slice(0, -2);
            expect([...word].length).toBeGreaterThanOrEqual(3);
            expect(TSQUERY_SYNTAX.test(word)).toBe(false);
          }
        },
      ),
    );
  });
});
