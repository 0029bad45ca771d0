import { reportDecision } from './report-decision';

describe('reportDecision', () => {
  const future = '2030-01-02T03:04:05.000Z';

  it('reads a resolution, with or without deleting the message, its note trimmed', () => {
    expect(reportDecision({ decision: 'resolve', note: '  fine  ' })).toEqual({
      kind: 'resolve',
      note: 'fine',
      deleteMessage: false,
    });
    expect(reportDecision({ decision: 'delete', note: null })).toEqual({
      kind: 'resolve',
      note: undefined,
      deleteMessage: true,
    });
  });

  it('reads a mute or a ban with the note as its reason and an optional end, in UTC', () => {
    expect(reportDecision({ decision: 'mute', note: 'calm down', until: future })).toEqual({
      kind: 'mute',
      reason: 'calm down',
      until: future,
    });
    expect(
      reportDecision({ decision: 'ban', note: 'spam', until: '2030-01-02T05:04:05+02:00' }),
    ).toEqual({ kind: 'ban', reason: 'spam', until: future });
    expect(reportDecision({ decision: 'ban', note: 'spam', until: '' })).toEqual({
      kind: 'ban',
      reason: 'spam',
      until: undefined,
    });
  });

  it.each([
    [{ decision: 'mute' }, 'Give the reason for the mute as the note'],
    [{ decision: 'ban', note: ' \n ' }, 'Give the reason for the ban as the note'],
    [{ decision: 'resolve', until: future }, 'An end time goes only with a mute or a ban'],
    [{ decision: 'resolve', note: 'x'.repeat(501) }, 'The note must be at most 500 characters'],
    [{ decision: 'resolve', note: 'a\0b' }, 'The note must not hold NUL'],
    [{ decision: 'remove' }, 'Choose what to do with the report'],
    [{ decision: ['resolve'] }, 'Choose what to do with the report'],
  ])('refuses %j', (form, why) => {
    expect(reportDecision(form)).toBe(why);
  });

  it.each(['tomorrow', '2030-01-02', '2030-01-02T03:04:05', '2030-13-45T03:04:05Z', 5])(
    'refuses the end %j: not a time with its zone',
    (until) => {
      expect(reportDecision({ decision: 'mute', note: 'x', until })).toBe(
        'Until must be a date and time (ISO 8601, with its zone)',
      );
    },
  );

  it('takes a 500-character note', () => {
    expect(reportDecision({ decision: 'ban', note: 'x'.repeat(500) })).toMatchObject({
      reason: 'x'.repeat(500),
    });
  });
});
