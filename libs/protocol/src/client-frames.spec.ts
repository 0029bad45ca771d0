import { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import fc from 'fast-check';
import {
  CLIENT_FRAME_SCHEMAS,
  ClientFrame,
  FrameProblem,
  parseClientFrame,
  ParsedClientFrame,
  RESUME_MAX_ROOMS,
} from './client-frames';

const parse = (frame: unknown): ParsedClientFrame | FrameProblem =>
  parseClientFrame(typeof frame === 'string' ? frame : JSON.stringify(frame));
const problem = (code: FrameProblem['code'], req?: string) => ({
  ...(req === undefined ? { req: undefined } : { req }),
  code,
  detail: expect.any(String),
});

describe('parseClientFrame', () => {
  it('reads each client frame type, with its req', () => {
    expect(parse({ type: 'auth', token: 't', req: 'a' })).toEqual({
      type: 'auth',
      req: 'a',
      token: 't',
    });
    expect(parse({ type: 'message.send', room_id: 5, text: '  hi  ', client_id: 'k-1' })).toEqual({
      type: 'message.send',
      req: undefined,
      roomId: 5,
      text: 'hi',
      clientId: 'k-1',
    });
    expect(parse({ type: 'message.edit', message_id: 2 ** 40, text: 'x', req: 'e' })).toEqual({
      type: 'message.edit',
      req: 'e',
      messageId: 2 ** 40,
      text: 'x',
    });
    expect(parse({ type: 'message.delete', message_id: 3 })).toEqual({
      type: 'message.delete',
      req: undefined,
      messageId: 3,
    });
    expect(parse({ type: 'resume', rooms: { '1': 0, '12': 40 } })).toEqual({
      type: 'resume',
      req: undefined,
      rooms: new Map([
        [1, 0],
        [12, 40],
      ]),
    });
  });

  it('answers what is not a JSON object with invalid_frame, without a req', () => {
    for (const data of ['{', '[]', '"x"', '3', 'null']) {
      expect(parse(data)).toEqual(problem('invalid_frame'));
    }
  });

  it('answers a req that is not a string of 1 to 64 characters without it', () => {
    for (const req of [1, '', 'x'.repeat(65), 'a\nb', null]) {
      expect(parse({ type: 'auth', token: 't', req })).toEqual(problem('invalid_frame'));
    }
    expect(parse({ type: 'auth', token: 't', req: 'x'.repeat(64) })).toMatchObject({
      type: 'auth',
    });
  });

  it.each([
    ['an unknown type', { type: 'typing.stop', room_id: 1 }],
    ['a typing frame without a room', { type: 'typing' }],
    ['a read frame with a negative seq', { type: 'read', room_id: 1, seq: -1 }],
    ['a read frame with a seq that is a string', { type: 'read', room_id: 1, seq: '3' }],
    ['no type', { room_id: 1, text: 'x' }],
    ['an auth without a token', { type: 'auth' }],
    ['an empty token', { type: 'auth', token: '' }],
    ['a room_id that is a string', { type: 'message.send', room_id: '1', text: 'x' }],
    ['a room_id of 0', { type: 'message.send', room_id: 0, text: 'x' }],
    ['a room_id past 2^31-1', { type: 'message.send', room_id: 2 ** 31, text: 'x' }],
    ['a text that is not a string', { type: 'message.send', room_id: 1, text: 1 }],
    ['no text', { type: 'message.send', room_id: 1 }],
    [
      'a client_id that is not a string',
      { type: 'message.send', room_id: 1, text: 'x', client_id: 1 },
    ],
    ['a message_id past 2^53', { type: 'message.edit', message_id: 2 ** 53, text: 'x' }],
    ['a negative message_id', { type: 'message.delete', message_id: -4 }],
    ['an edit text that is not a string', { type: 'message.edit', message_id: 1, text: null }],
    ['rooms that are not an object', { type: 'resume', rooms: [0] }],
    ['a room key that is not an id', { type: 'resume', rooms: { '01': 0 } }],
    ['a negative seq', { type: 'resume', rooms: { '1': -1 } }],
    ['a fractional seq', { type: 'resume', rooms: { '1': 0.5 } }],
  ])('answers %s with invalid_frame and its req', (_what, frame) => {
    expect(parse({ ...frame, req: 'r' })).toEqual(problem('invalid_frame', 'r'));
  });

  it('answers a resume of more than RESUME_MAX_ROOMS rooms with invalid_frame', () => {
    const rooms = Object.fromEntries(
      Array.from({ length: RESUME_MAX_ROOMS + 1 }, (_, i) => [String(i + 1), 0]),
    );
    expect(parse({ type: 'resume', rooms })).toEqual(problem('invalid_frame'));
    delete rooms[String(RESUME_MAX_ROOMS + 1)];
    expect(parse({ type: 'resume', rooms })).toMatchObject({ type: 'resume' });
  });

  it.each([
    ['a blank text', { type: 'message.send', room_id: 1, text: ' \t\n' }],
    ['a text of 1,001 characters', { type: 'message.send', room_id: 1, text: 'x'.repeat(1001) }],
    ['a text with NUL', { type: 'message.send', room_id: 1, text: 'a\u0000b' }],
    ['an empty client_id', { type: 'message.send', room_id: 1, text: 'x', client_id: '' }],
    [
      'a client_id of 65',
      { type: 'message.send', room_id: 1, text: 'x', client_id: 'k'.repeat(65) },
    ],
    [
      'a client_id with a newline',
      { type: 'message.send', room_id: 1, text: 'x', client_id: 'a\nb' },
    ],
    ['a blank edit', { type: 'message.edit', message_id: 1, text: '  ' }],
  ])('answers %s with invalid_input and its req', (_what, frame) => {
    expect(parse({ ...frame, req: 'r' })).toEqual(problem('invalid_input', 'r'));
  });

  it('takes 1,000 characters counted as characters, not UTF-16 units', () => {
    const text = '😀'.repeat(1000);
    expect(parse({ type: 'message.send', room_id: 1, text })).toMatchObject({ text });
  });
});

describe('the client frame schemas and the server reading agree', () => {
  const schemaOf = new Map<string, TSchema>(CLIENT_FRAME_SCHEMAS.map((s) => [s.$id!, s]));
  const matchesSchema = (frame: { type?: unknown }) => {
    const schema = typeof frame.type === 'string' ? schemaOf.get(frame.type) : undefined;
    return schema !== undefined && Value.Check(schema, frame);
  };
  const id = fc.integer({ min: 1, max: 2_147_483_647 });
  const text = fc
    .string({ minLength: 1, maxLength: 1000, unit: 'grapheme-ascii' })
    .filter((value) => value.trim() === value && value !== '');
  const req = fc.option(fc.stringMatching(/^[a-z0-9-]{1,64}$/), { nil: undefined });
  const validFrame: fc.Arbitrary<ClientFrame> = fc.oneof(
    fc.record({ type: fc.constant('auth' as const), req, token: fc.string({ minLength: 1 }) }),
    fc.record(
      {
        type: fc.constant('message.send' as const),
        req,
        room_id: id,
        text,
        client_id: fc.stringMatching(/^[a-zA-Z0-9-]{1,64}$/),
      },
      { requiredKeys: ['type', 'room_id', 'text'] },
    ),
    fc.record({ type: fc.constant('message.edit' as const), req, message_id: id, text }),
    fc.record({ type: fc.constant('message.delete' as const), req, message_id: id }),
    fc.record({
      type: fc.constant('resume' as const),
      req,
      rooms: fc.dictionary(id.map(String), fc.integer({ min: 0, max: 2 ** 40 }), { maxKeys: 20 }),
    }),
    fc.record({ type: fc.constant('typing' as const), req, room_id: id }),
    fc.record({
      type: fc.constant('read' as const),
      req,
      room_id: id,
      seq: fc.integer({ min: 0, max: 2 ** 40 }),
    }),
    fc.record({
      type: fc.constant('presence' as const),
      req,
      status: fc.constantFrom('online' as const, 'away' as const),
    }),
  );

  it('reads every frame the schemas describe as the request it is', () => {
    fc.assert(
      fc.property(validFrame, (frame) => {
        const withoutUndefined = JSON.parse(JSON.stringify(frame)) as ClientFrame;
        expect(matchesSchema(withoutUndefined)).toBe(true);
        const read = parse(withoutUndefined);
        expect(read).toMatchObject({ type: frame.type, req: withoutUndefined.req });
      }),
    );
  });

  it('refuses what the schemas refuse', () => {
    const field = fc.oneof(
      fc.integer({ min: -3, max: 3 }),
      fc.double(),
      fc.string({ maxLength: 3 }),
      fc.constant(null),
      fc.constant({}),
    );
    const shaky = fc.record(
      {
        type: fc.constantFrom(
          'auth',
          'message.send',
          'message.edit',
          'message.delete',
          'resume',
          'typing',
          'read',
          'presence',
        ),
        req: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()),
        token: field,
        room_id: field,
        message_id: field,
        text: field,
        client_id: field,
        rooms: fc.oneof(field, fc.dictionary(fc.string({ maxLength: 3 }), field)),
        seq: field,
        status: fc.oneof(field, fc.constantFrom('online', 'away', 'offline')),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(shaky, (frame) => {
        if (!matchesSchema(frame)) expect(parse(frame)).toHaveProperty('code');
      }),
      { numRuns: 2_000 },
    );
  });
});
