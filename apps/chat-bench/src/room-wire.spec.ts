import { baselineWire, chatWire, isAck, isError } from './room-wire';

const frame = (json: object) => Buffer.from(JSON.stringify(json));

describe('room wire', () => {
  it('speaks chat.v2 to the chat server: auth first, then message.send to a room id', () => {
    const wire = chatWire(['token-a', 'token-b']);
    expect(wire.protocol).toBe('chat.v2');
    expect(JSON.parse(wire.hello(1))).toEqual({ type: 'auth', token: 'token-b' });
    expect(JSON.parse(wire.send(7, 'bench:3:1.5'))).toEqual({
      type: 'message.send',
      room_id: 7,
      text: 'bench:3:1.5',
    });
  });

  it("counts the chat's message.new as a delivery, never the ack that also carries the message", () => {
    const wire = chatWire([]);
    const message = { message_id: 1, message: 'bench:3:1.5' };
    expect(wire.isDelivery(frame({ type: 'message.new', room_id: 7, seq: 2, message }))).toBe(true);
    expect(wire.isDelivery(frame({ type: 'ack', message }))).toBe(false);
    expect(wire.isDelivery(frame({ type: 'member.joined', room_id: 7, seq: 3 }))).toBe(false);
  });

  it("tells the baseline each socket's rooms first, then sends to one room", () => {
    const wire = baselineWire((socket) => [1, 10 + socket]);
    expect(wire.protocol).toBeUndefined();
    expect(JSON.parse(wire.hello(4))).toEqual({ rooms: [1, 14] });
    expect(JSON.parse(wire.send(14, 'bench:4:2'))).toEqual({ room: 14, message: 'bench:4:2' });
    expect(wire.isDelivery(frame({ message_id: 1, room_id: 14, message: 'bench:4:2' }))).toBe(true);
    expect(wire.isDelivery(frame({ type: 'ack' }))).toBe(false);
  });

  it('tells acks and errors by their first bytes', () => {
    expect(isAck(frame({ type: 'ack', req: '1' }))).toBe(true);
    expect(isAck(frame({ type: 'error', code: 'not_found' }))).toBe(false);
    expect(isError(frame({ type: 'error', code: 'not_found' }))).toBe(true);
    expect(isError(Buffer.from('{"ty'))).toBe(false);
  });
});
