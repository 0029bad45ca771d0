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

const parse = (frame: unknown, isBinary = false) =>
  parseClientFrame(Buffer.from(JSON.stringify(frame)), isBinary);

/** Text that is a message once trimmed: no NUL, no half surrogate, not blank. */
const messageText = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
  .filter((text) => text.trim() !== '' && !text.includes('\u0000'));
const token = fc.string({ minLength: 1, maxLength: 40 });
const clientId = fc.stringMatching(/^[\w.~é-]{1,64}$/);
const validMessage = fc.record(
  { message: messageText, token, client_id: clientId },
  { requiredKeys: ['message'] },
);
const safeId = fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER });
const notAStringNorANumber = fc.oneof(
  fc.boolean(),
  fc.constant(null),
  fc.object(),
  fc.array(fc.nat()),
);
const notAString = fc.oneof(fc.integer(), notAStringNorANumber);

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

  it('reads any well-formed message frame: the text trimmed, token and client_id as sent', () => {
    fc.assert(
      fc.property(validMessage, (frame) => {
        expect(parse(frame)).toEqual({
          kind: 'message',
          text: frame.message.trim(),
          token: frame.token,
          clientId: frame.client_id,
        });
      }),
    );
  });

  it('refuses a message frame whose token is empty or not a string', () => {
    fc.assert(
      fc.property(validMessage, fc.oneof(fc.constant(''), notAString), (frame, badToken) => {
        expect(parse({ ...frame, token: badToken })).toBeNull();
      }),
    );
  });

  it('refuses a message frame whose client_id is not 1 to 64 printable characters', () => {
    const badClientId = fc.oneof(
      notAString,
      fc.constant(''),
      fc.stringMatching(/^\w{65,80}$/),
      clientId.map((id) => `${id.slice(0, 63)}\u0007`),
    );
    fc.assert(
      fc.property(validMessage, badClientId, (frame, badId) => {
        expect(parse({ ...frame, client_id: badId })).toBeNull();
      }),
    );
  });

  it('refuses a message that is not text, is blank, or runs past 1000 characters', () => {
    const badText = fc.oneof(
      notAString,
      fc.stringMatching(/^[ \t\n\r]*$/),
      fc.integer({ min: 1001, max: 1100 }).map((length) => 'm'.repeat(length)),
    );
    fc.assert(
      fc.property(validMessage, badText, (frame, text) => {
        expect(parse({ ...frame, message: text })).toBeNull();
      }),
    );
  });

  it('ignores fields it does not know', () => {
    expect(parse({ message: 'hi', room: 5, event: 'x' })).toEqual({ kind: 'message', text: 'hi' });
    expect(parse({ action: 'resume', after_id: 3, token: 5 })).toEqual({
      kind: 'resume',
      afterId: 3,
    });
  });

  it('reads a resume from any safe whole after_id from 0 up', () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom(0, Number.MAX_SAFE_INTEGER), safeId), (afterId) => {
        expect(parse({ action: 'resume', after_id: afterId })).toEqual({ kind: 'resume', afterId });
      }),
    );
  });

  it('refuses a resume whose after_id is negative, fractional, unsafe or no number', () => {
    const badId = fc.oneof(
      fc.constant(-1),
      fc.integer({ max: -1 }),
      fc.double({ noInteger: true }),
      fc.integer({ min: 1, max: 1000 }).map((n) => Number.MAX_SAFE_INTEGER + n * 2),
      notAStringNorANumber,
      safeId.map(String),
    );
    fc.assert(
      fc.property(badId, (afterId) => {
        expect(parse({ action: 'resume', after_id: afterId })).toBeNull();
      }),
    );
  });

  it('refuses any other action, whatever else the frame holds', () => {
    const otherAction = fc.oneof(
      fc.string().filter((action) => action !== 'resume' && action !== 'auth'),
      notAString,
    );
    fc.assert(
      fc.property(otherAction, validMessage, safeId, (action, frame, afterId) => {
        expect(parse({ ...frame, action, after_id: afterId })).toBeNull();
      }),
    );
  });

  it('refuses JSON that is not an object', () => {
    const notAnObject = fc
      .jsonValue()
      .filter((value) => typeof value !== 'object' || value === null || Array.isArray(value));
    fc.assert(
      fc.property(fc.oneof(notAnObject, fc.array(validMessage)), (value) => {
        expect(parse(value)).toBeNull();
      }),
    );
  });

  it('refuses a binary frame, even one that holds a well-formed frame', () => {
    fc.assert(
      fc.property(validMessage, (frame) => {
        expect(parse(frame, true)).toBeNull();
      }),
    );
  });

  it('never throws on bytes that are not UTF-8 or not JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), (bytes, isBinary) => {
        expect(() => parseClientFrame(Buffer.from(bytes), isBinary)).not.toThrow();
      }),
    );
  });

  const FRAME_LIMIT = 65_536;
  const nested = (depth: number, open: string, leaf: string, close: string) =>
    open.repeat(depth) + leaf + close.repeat(depth);

  it.each([
    ['arrays', nested(FRAME_LIMIT / 2, '[', '', ']')],
    ['objects', nested((FRAME_LIMIT - 14) / 6, '{"a":', '1', '}')],
    ['a message', `{"message":${nested((FRAME_LIMIT - 14) / 2, '[', '"hi"', ']')}}`],
    ['a token', `{"message":"hi","token":${nested(FRAME_LIMIT / 2 - 20, '[', '"t"', ']')}}`],
    [
      'an after_id',
      `{"action":"resume","after_id":${nested(FRAME_LIMIT / 2 - 20, '[', '1', ']')}}`,
    ],
    ['unclosed arrays', '['.repeat(FRAME_LIMIT)],
  ])('refuses %s nested as deep as a frame allows, without throwing', (_case, text) => {
    expect(text.length).toBeLessThanOrEqual(FRAME_LIMIT + 8);
    expect(parseClientFrame(Buffer.from(text), false)).toBeNull();
  });
});
