import fc from 'fast-check';
import { parseClientFrame } from './client-frames';

const hostileCharacter = fc.oneof(
  fc.constantFrom('\u0000', '\ud800', '\udfff', '\u001b', '\u0085', ' ', '"', '\\', '{'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
);
const hostileString = fc.string({ unit: hostileCharacter, maxLength: 70 });
const anyValue = fc.oneof(
  hostileString,
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.object(),
);
const frameText = fc.oneof(
  hostileString,
  fc.json(),
  fc
    .record(
      {
        message: fc.oneof(hostileString, anyValue),
        token: fc.oneof(hostileString, anyValue),
        client_id: fc.oneof(hostileString, anyValue),
        action: fc.oneof(fc.constantFrom('resume', 'auth'), anyValue),
        after_id: fc.oneof(fc.integer({ min: -5, max: 2 ** 53 }), fc.double(), anyValue),
      },
      { requiredKeys: [] },
    )
    .map((frame) => JSON.stringify(frame)),
);

/** What reaches PostgreSQL: the UTF-8 bytes of a string. */
const asStored = (text: string) => Buffer.from(text, 'utf8').toString('utf8');

describe('parseClientFrame', () => {
  it('reads a message frame, with token and client_id', () => {
    const frame = parseClientFrame(
      Buffer.from('{"message":" hi ","token":"t","client_id":"k"}'),
      false,
    );
    expect(frame).toEqual({ kind: 'message', text: 'hi', token: 't', clientId: 'k' });
  });

  it('reads an auth frame; one without a token string is no frame', () => {
    expect(parseClientFrame(Buffer.from('{"action":"auth","token":"t"}'), false)).toEqual({
      kind: 'auth',
      token: 't',
    });
    for (const token of ['""', '5', 'null', '{}']) {
      expect(parseClientFrame(Buffer.from(`{"action":"auth","token":${token}}`), false)).toBeNull();
    }
    expect(parseClientFrame(Buffer.from('{"action":"auth"}'), false)).toBeNull();
  });

  it.each([
    ['a NUL', '"a\\u0000"'],
    ['a lone surrogate', '"a\\ud800"'],
    ['a control character', '"a\\u0007"'],
  ])('refuses a client_id with %s', (_case, clientId) => {
    expect(
      parseClientFrame(Buffer.from(`{"message":"hi","client_id":${clientId}}`), false),
    ).toBeNull();
  });

  it('never throws, and accepts only messages PostgreSQL stores exactly as sent', () => {
    fc.assert(
      fc.property(frameText, fc.boolean(), (text, isBinary) => {
        const frame = parseClientFrame(Buffer.from(text, 'utf8'), isBinary);
        if (frame?.kind !== 'message') return;
        expect(isBinary).toBe(false);
        for (const value of [frame.text, frame.clientId ?? 'none']) {
          expect(value).not.toContain('\u0000');
          expect(asStored(value)).toBe(value);
        }
        expect(frame.text.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });
});
