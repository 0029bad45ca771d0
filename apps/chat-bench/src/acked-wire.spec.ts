import { authFrame, readMessageNumber, readReply, sendFrame } from './acked-wire';

const frame = (json: object) => Buffer.from(JSON.stringify(json));

describe('acked wire', () => {
  it('authenticates in the first frame and numbers each message by its req, client_id and text', () => {
    expect(JSON.parse(authFrame('token-a'))).toEqual({
      type: 'auth',
      req: 'auth',
      token: 'token-a',
    });
    expect(JSON.parse(sendFrame(1, 42))).toEqual({
      type: 'message.send',
      req: '42',
      room_id: 1,
      text: 'ovl:42',
      client_id: 'c42',
    });
  });

  it('reads an ack and an error (with its code) as the answers to a frame', () => {
    const message = { message_id: 9, message: 'ovl:42' };
    expect(readReply(frame({ type: 'ack', req: '42', message }))).toEqual({
      kind: 'ack',
      req: '42',
    });
    expect(
      readReply(frame({ type: 'error', req: '43', code: 'rate_limited', detail: 'Rate limit' })),
    ).toEqual({ kind: 'error', req: '43', code: 'rate_limited' });
    expect(readReply(frame({ type: 'message.new', room_id: 1, seq: 3, message }))).toBeNull();
  });

  it('reads the message number of a v2 delivery and of a compat one, and none from a notice', () => {
    const v2 = { type: 'message.new', room_id: 1, seq: 3, message: { message: 'ovl:1234' } };
    expect(readMessageNumber(frame({ ...v2, client_id: 'c1234' }))).toBe(1234);
    expect(readMessageNumber(frame({ message_id: 5, message: 'ovl:0', user_id: 2 }))).toBe(0);
    expect(readMessageNumber(frame({ notice: 'Rate limit exceeded' }))).toBe(-1);
    expect(readMessageNumber(frame({ message: 'ovl:' }))).toBe(-1);
  });
});
