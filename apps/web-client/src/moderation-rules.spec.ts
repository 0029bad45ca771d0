import { DURATIONS, moderationActions, reasonProblem, untilAfter } from './moderation-rules';

const USER = 1;
const MODERATOR = 2;
const ADMIN = 3;
const person = (id: number, role: number) => ({ id, role });
const publicRoom = { actsAsOwner: true, kind: 'public' as const, general: false };

describe('moderationActions', () => {
  it('offers site actions to moderators and admins, room actions to who acts as owner', () => {
    expect(moderationActions(person(1, USER), person(2, USER))).toEqual([]);
    expect(moderationActions(person(1, USER), person(2, USER), publicRoom)).toEqual([
      'mute-room',
      'kick',
    ]);
    expect(
      moderationActions(person(1, USER), person(2, USER), { ...publicRoom, actsAsOwner: false }),
    ).toEqual([]);
    expect(moderationActions(person(1, MODERATOR), person(2, USER))).toEqual(['ban', 'mute-site']);
    expect(moderationActions(person(1, MODERATOR), person(2, USER), publicRoom)).toEqual([
      'ban',
      'mute-site',
      'mute-room',
      'kick',
    ]);
  });

  it('offers nothing on oneself, and on a moderator or admin to admins only', () => {
    expect(moderationActions(person(1, ADMIN), person(1, ADMIN), publicRoom)).toEqual([]);
    expect(moderationActions(person(1, MODERATOR), person(2, MODERATOR), publicRoom)).toEqual([]);
    expect(moderationActions(person(1, USER), person(2, ADMIN), publicRoom)).toEqual([]);
    expect(moderationActions(person(1, ADMIN), person(2, MODERATOR))).toEqual(['ban', 'mute-site']);
  });

  it('kicks nobody from the general room and acts in no direct room', () => {
    expect(
      moderationActions(person(1, MODERATOR), person(2, USER), { ...publicRoom, general: true }),
    ).toEqual(['ban', 'mute-site', 'mute-room']);
    expect(
      moderationActions(person(1, ADMIN), person(2, USER), { ...publicRoom, kind: 'direct' }),
    ).toEqual(['ban', 'mute-site']);
  });
});

describe('durations and reasons', () => {
  it('sends the end as ISO 8601 from now, none for no end', () => {
    const now = Date.parse('2030-01-01T00:00:00.000Z');
    expect(DURATIONS.map(({ ms }) => untilAfter(ms, now))).toEqual([
      '2030-01-01T01:00:00.000Z',
      '2030-01-02T00:00:00.000Z',
      '2030-01-08T00:00:00.000Z',
      undefined,
    ]);
  });

  it('takes 1 to 500 characters once trimmed', () => {
    expect(reasonProblem('  ')).toBe('Give a reason');
    expect(reasonProblem('spam')).toBeNull();
    expect(reasonProblem(` ${'x'.repeat(500)} `)).toBeNull();
    expect(reasonProblem('x'.repeat(501))).toBe('A reason is at most 500 characters');
    expect(reasonProblem('😀'.repeat(500))).toBeNull();
  });
});
