import {
  MESSAGE_WORDS_MAX,
  MESSAGE_WORDS_SQL,
  messageTextSql,
  SEARCHES,
  VOCABULARY,
} from './message-corpus';

describe('message corpus', () => {
  it('ranks each word once, the common word 10th', () => {
    expect(new Set(VOCABULARY).size).toBe(VOCABULARY.length);
    expect(VOCABULARY.every((word) => /^\S+$/.test(word))).toBe(true);
    expect(VOCABULARY.indexOf(SEARCHES.common) + 1).toBe(10);
  });

  it('never holds the rare word, which is planted alone', () => {
    expect(VOCABULARY.filter((word) => word.includes(SEARCHES.rare))).toEqual([]);
  });

  it('starts several words with the prefix', () => {
    const prefix = SEARCHES.prefix.replace(/\*$/, '');
    expect(SEARCHES.prefix).toMatch(/^\p{L}{3,}\*$/u);
    expect(VOCABULARY.filter((word) => word.startsWith(prefix))).toHaveLength(7);
  });

  it('builds a text of up to MESSAGE_WORDS_MAX drawn words and the rare word after the first', () => {
    const sql = messageTextSql('$5::text[]', 'words', 'RARE');
    const slots = [...sql.matchAll(/CASE WHEN words > (\d+) THEN/g)].map((match) => match[1]);
    expect(slots).toEqual(Array.from({ length: MESSAGE_WORDS_MAX }, (_, i) => String(i)));
    expect(sql.indexOf('RARE')).toBeGreaterThan(sql.indexOf('words > 0'));
    expect(sql.indexOf('RARE')).toBeLessThan(sql.indexOf('words > 1'));
    // The rank is floor((V + 1)^u): from 1 to V, as PostgreSQL arrays count.
    expect(sql).toContain('($5::text[])[floor(power(cardinality($5::text[]) + 1, random()))::int]');
    expect(MESSAGE_WORDS_SQL).toBe('2 + floor(random() * 11)::int');
  });
});
