import fc from 'fast-check';
import { fixed, percent, thousands } from './format';

describe('report number formats', () => {
  it('gives a fixed number of decimals, one by default', () => {
    expect(fixed(5.6, 2)).toBe('5.60');
    expect(fixed(12.345)).toBe('12.3');
    expect(fixed(99.6, 0)).toBe('100');
  });

  it('says n/a for what is not a finite number (a ratio over zero, a median of nothing)', () => {
    for (const n of [NaN, Infinity, -Infinity]) {
      expect(fixed(n)).toBe('n/a');
      expect(thousands(n)).toBe('n/a');
      expect(percent(n)).toBe('n/a');
    }
  });

  it('rounds to an integer grouped by thousands', () => {
    expect(thousands(1_234_567.5)).toBe('1,234,568');
    expect(thousands(999.4)).toBe('999');
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (n) => {
        const text = thousands(n);
        expect(text).toMatch(/^-?\d{1,3}(,\d{3})*$/);
        // + 0: a small negative prints as "-0", which is the same integer as 0.
        expect(Number(text.replaceAll(',', '')) + 0).toBe(Math.round(n) + 0);
      }),
    );
  });

  it('gives a share as a whole percentage', () => {
    expect(percent(0.424)).toBe('42%');
    expect(percent(1.236)).toBe('124%');
    expect(percent(0)).toBe('0%');
  });
});
