import fc from 'fast-check';
import { highlightMarks, snippetParts } from './snippet';

describe('snippetParts', () => {
  const marks = { start: 'hsX', stop: 'heX' };

  it('splits a headline into plain and matched parts', () => {
    expect(snippetParts('a hsXgazelleheX runs, hsXgazellesheX', marks)).toEqual([
      { text: 'a ', match: false },
      { text: 'gazelle', match: true },
      { text: ' runs, ', match: false },
      { text: 'gazelles', match: true },
    ]);
    expect(snippetParts('no match here', marks)).toEqual([{ text: 'no match here', match: false }]);
    expect(snippetParts('', marks)).toEqual([]);
  });

  it('gives back the text without the marks, whatever the text holds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ text: fc.string({ minLength: 1 }), match: fc.boolean() })),
        (pieces) => {
          const fresh = highlightMarks();
          const headline = pieces
            .map((piece) => (piece.match ? `${fresh.start}${piece.text}${fresh.stop}` : piece.text))
            .join('');
          const parts = snippetParts(headline, fresh);
          expect(parts.map((part) => part.text).join('')).toBe(pieces.map((p) => p.text).join(''));
          expect(
            parts
              .filter((p) => p.match)
              .map((p) => p.text)
              .join(''),
          ).toBe(
            pieces
              .filter((p) => p.match)
              .map((p) => p.text)
              .join(''),
          );
          for (let i = 1; i < parts.length; i++)
            expect(parts[i].match).not.toBe(parts[i - 1].match);
        },
      ),
    );
  });

  it('makes new marks for every search', () => {
    expect(highlightMarks()).not.toEqual(highlightMarks());
  });
});
