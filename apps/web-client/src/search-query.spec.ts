import { ChatApiError } from '@chat/client';
import { searchErrorText, typeAheadQuery } from './search-query';

describe('typeAheadQuery', () => {
  it('searches the last word as a prefix while it is typed, from 3 letters on', () => {
    expect(typeAheadQuery('mes')).toBe('mes*');
    expect(typeAheadQuery('  deploy plan')).toBe('deploy plan*');
    expect(typeAheadQuery('сообщения')).toBe('сообщения*');
    expect(typeAheadQuery('me')).toBe('me');
    expect(typeAheadQuery('deploy pl')).toBe('deploy pl');
  });

  it('leaves a finished word, a phrase, an exclusion and punctuation as typed', () => {
    expect(typeAheadQuery('deploy ')).toBe('deploy');
    expect(typeAheadQuery('"release not')).toBe('"release not');
    expect(typeAheadQuery('"release notes"')).toBe('"release notes"');
    expect(typeAheadQuery('deploy -draft')).toBe('deploy -draft');
    expect(typeAheadQuery('deploy*')).toBe('deploy*');
    expect(typeAheadQuery('e-mail')).toBe('e-mail');
    expect(typeAheadQuery('   ')).toBe('');
  });
});

describe('searchErrorText', () => {
  it('says plainly what went wrong', () => {
    expect(searchErrorText(new ChatApiError(429, 'Too many searches'))).toBe(
      'Searching too fast, wait a moment',
    );
    expect(searchErrorText(new ChatApiError(503, 'The search took too long'))).toBe(
      'The search took too long',
    );
    expect(searchErrorText(new ChatApiError(422, [{ field: 'q', message: 'q is too long' }]))).toBe(
      'q is too long',
    );
    expect(searchErrorText(new ChatApiError(0, undefined))).toBe('The server cannot be reached');
  });
});
