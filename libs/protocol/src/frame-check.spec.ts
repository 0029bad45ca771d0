import { serverFrameProblem } from './frame-check';

const message = {
  message_id: 9,
  user_id: 2,
  name: 'ann',
  role: 1,
  user_avatar: '/static/a.webp',
  message: 'hi',
  time_send: '12:00:00',
  created_at: '2026-12-05T12:00:00.000Z',
  edited: false,
  room_id: 3,
  seq: 4,
  edited_at: null,
  mentions: [],
};

describe('serverFrameProblem', () => {
  it('passes frames that match their schema, extra fields included', () => {
    expect(serverFrameProblem({ type: 'message.new', room_id: 3, seq: 4, message })).toBeNull();
    expect(serverFrameProblem({ type: 'ack', req: '1', user_id: 5, rooms: [] })).toBeNull();
    expect(
      serverFrameProblem({ type: 'resumed', room_id: 3, recovered: false, last_seq: 9, later: 1 }),
    ).toBeNull();
  });

  it('says what is wrong with one that does not', () => {
    expect(serverFrameProblem({ type: 'message.new', room_id: 3, seq: -1, message })).toMatch(
      /message\.new \/seq/,
    );
    expect(
      serverFrameProblem({
        type: 'message.new',
        room_id: 3,
        seq: 4,
        message: { ...message, seq: '4' },
      }),
    ).toMatch(/message\.new \/message\/seq/);
    expect(serverFrameProblem({ type: 'error', code: 'oops', detail: 'x' })).toMatch(
      /error \/code/,
    );
    expect(serverFrameProblem({ type: 'presence.sparkles' })).toBe('Unknown frame type');
    expect(serverFrameProblem(null)).toBe('Unknown frame type');
  });
});
