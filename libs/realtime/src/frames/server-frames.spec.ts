import { ChatMessage } from '@chat/events';
import {
  authFrame,
  avatarFrame,
  deleteFrame,
  messageFrame,
  noticeFrame,
  resumeFrame,
  ServerFrame,
  updateFrame,
  userFrame,
} from './server-frames';

const message: ChatMessage = {
  message_id: 42,
  user_id: 7,
  name: 'ann',
  role: 1,
  user_avatar: '/static/a.webp',
  message: 'hi',
  time_send: '12:00:00',
  created_at: '2026-01-01T12:00:00.000Z',
  edited: false,
};
const messageJson =
  '{"message_id":42,"user_id":7,"name":"ann","role":1,"user_avatar":"/static/a.webp",' +
  '"message":"hi","time_send":"12:00:00","created_at":"2026-01-01T12:00:00.000Z","edited":false';

describe('server frames', () => {
  it.each<[string, ServerFrame, string]>([
    ['a message', messageFrame(message), `${messageJson}}`],
    [
      'a message with its client_id',
      messageFrame(message, 'k1'),
      `${messageJson},"client_id":"k1"}`,
    ],
    ['an edit', updateFrame(42, 'new'), '{"event":"update","message_id":42,"new_message":"new"}'],
    ['a deletion', deleteFrame(42), '{"event":"delete","message_id":42}'],
    [
      'an avatar',
      avatarFrame(7, '/a.webp'),
      '{"event":"avatar","user_id":7,"user_avatar":"/a.webp"}',
    ],
    [
      'a user',
      userFrame(7, 'ann', 2, '/a.webp'),
      '{"event":"user","user_id":7,"name":"ann","role":2,"user_avatar":"/a.webp"}',
    ],
    ['an auth answer', authFrame(7), '{"event":"auth","user_id":7}'],
    [
      'a recovered resume',
      resumeFrame(true, 9),
      '{"event":"resume","recovered":true,"latest_id":9}',
    ],
    [
      'a resume to reload',
      resumeFrame(false, 9),
      '{"event":"resume","recovered":false,"latest_id":9}',
    ],
    [
      'a notice',
      noticeFrame('Rate limit exceeded'),
      '{"event":"send user message","message":"Rate limit exceeded"}',
    ],
  ])('writes %s as the contract says, keys in order', (_case, frame, json) => {
    expect(JSON.stringify(frame)).toBe(json);
  });

  it('sends a message without client_id as it is, copying nothing', () => {
    expect(messageFrame(message)).toBe(message);
  });

  it('leaves the message itself alone when it adds a client_id', () => {
    messageFrame(message, 'k1');
    expect(message).not.toHaveProperty('client_id');
  });
});
