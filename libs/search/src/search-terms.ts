/** The longest query: a message's own length, so a whole message can be pasted and found. */
export const SEARCH_QUERY_MAX_CHARACTERS = 1000;
/** A prefix shorter than this (`ab*`) would match too many words: it is searched as a word. */
export const SEARCH_PREFIX_MIN_CHARACTERS = 3;
/** Prefixes past this many are searched as words. */
export const SEARCH_PREFIXES_MAX = 5;

/** A query split for PostgreSQL, which combines the two parts with AND (see SearchRepository). */
export interface SearchTerms {
  /** For websearch_to_tsquery, which reads any text without error: words, "phrases", -words, or. */
  words: string;
  /** For to_tsquery: `abc:* & def:*`, each prefix letters, marks and digits only; '' for none. */
  prefixes: string;
}

/** A whole run of letters, marks and digits ending in `*`, which no letter or digit follows. */
const PREFIX = /(?<![\p{L}\p{M}\p{N}])([\p{L}\p{M}\p{N}]+)\*(?![\p{L}\p{M}\p{N}])/gu;

/**
 * Splits a query into what websearch_to_tsquery reads and the prefixes (`mess*`) it cannot. A
 * prefix holds only letters, marks and digits, none of which to_tsquery reads as an operator, so
 * no query can make either function fail (NUL, which no PostgreSQL text may hold, becomes a space).
 */
export function searchTerms(query: string): SearchTerms {
  const prefixes: string[] = [];
  // PostgreSQL text cannot hold NUL: a space in its place.
  const words = query.replace(/\0/g, ' ').replace(PREFIX, (_match, word: string) => {
    if ([...word].length < SEARCH_PREFIX_MIN_CHARACTERS || prefixes.length >= SEARCH_PREFIXES_MAX) {
      return word;
    }
    prefixes.push(word);
    return ' ';
  });
  return { words, prefixes: prefixes.map((prefix) => `${prefix}:*`).join(' & ') };
}
