import {
  FrameProblem,
  parseV2ClientFrame,
  RESUME_MAX_ROOMS,
  V2ClientFrame,
} from './v2-client-frames';

const parse = (frame: unknown): V2ClientFrame | FrameProblem =>
  parseV2ClientFrame(Buffer.from(typeof frame === 'string' ? frame : JSON.stringify(frame)), false);
const problem = (code: FrameProblem['code'], req?: string) => ({
  ...(req === undefined ? { req: undefined } : { req }),
  code,
  detail: expect.any(String),
});

describe('parseV2ClientFrame', () => {
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
    expect(parseV2ClientFrame(Buffer.from('{"type":"auth","token":"t"}'), true)).toEqual(
      problem('invalid_frame'),
    );
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
    ['an unknown type', { type: 'typing', room_id: 1 }],
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
