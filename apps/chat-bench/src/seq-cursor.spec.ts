import fc from 'fast-check';
import { SeqCursor } from './seq-cursor';

describe('seq cursor', () => {
  it('resumes from before a gap until the gap fills', () => {
    const cursor = new SeqCursor();
    cursor.startAt(10);
    expect(cursor.receive(11)).toBe(true);
    expect(cursor.receive(14)).toBe(true); // live, ahead of a replay of 12 and 13
    expect(cursor.last).toBe(11);
    expect(cursor.receive(12)).toBe(true);
    expect(cursor.receive(13)).toBe(true);
    expect(cursor.last).toBe(14);
  });

  it('tells a change it had (before the resume point or held past a gap) from a new one', () => {
    const cursor = new SeqCursor();
    cursor.startAt(5);
    expect(cursor.receive(5)).toBe(false);
    expect(cursor.receive(8)).toBe(true);
    expect(cursor.receive(8)).toBe(false);
    expect(cursor.receive(6)).toBe(true);
  });

  it('ends at the highest number, whatever the order the changes came in, each new once', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { maxLength: 80 }), (order) => {
        const cursor = new SeqCursor();
        const everything = [...order, ...Array.from({ length: 40 }, (_, i) => i + 1)];
        const fresh = everything.filter((seq) => cursor.receive(seq));
        expect(cursor.last).toBe(40);
        expect(new Set(fresh).size).toBe(fresh.length);
        expect(fresh).toHaveLength(40);
      }),
    );
  });
});
