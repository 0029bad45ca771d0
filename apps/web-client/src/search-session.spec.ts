import { ChatApiError, SearchAnswer, SearchQuery } from '@chat/client';
import { SEARCH_DELAY_MS, SEARCH_RETRY_MS, SearchSession } from './search-session';

/** An answer whose one hit's text names the query and cursor it answers. */
function answerTo(query: SearchQuery, nextCursor: string | null = null): SearchAnswer {
  const text = `${query.q}${query.cursor ? ` after ${query.cursor}` : ''}`;
  return {
    results: [
      {
        message: {
          message_id: 1,
          room_id: 1,
          seq: 1,
          user_id: 2,
          name: 'ann',
          role: 1,
          user_avatar: '/a.webp',
          message: text,
          time_send: '10:00:00',
          created_at: '2030-01-01T10:00:00.000Z',
          edited: false,
          edited_at: null,
          mentions: [],
        },
        rank: 0.1,
        snippet: [{ text, match: true }],
      },
    ],
    next_cursor: nextCursor,
  };
}

/** A session whose searches wait until the test answers them; what it showed, in order. */
function session() {
  const asked: { query: SearchQuery; answer(a: SearchAnswer): void; fail(e: unknown): void }[] = [];
  const shown: string[] = [];
  const statuses: string[] = [];
  const search = new SearchSession({
    search: (query) => new Promise((answer, fail) => asked.push({ query, answer, fail })),
    shown: (answer, next) =>
      shown.push(`${next ? 'next' : 'first'}: ${answer.results.map((h) => h.message.message)}`),
    cleared: () => shown.push('cleared'),
    status: (text, failed) => statuses.push(failed ? `error: ${text}` : text),
  });
  return { search, asked, shown, statuses };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('SearchSession', () => {
  it('searches once typing pauses, the last word as a prefix', async () => {
    const { search, asked, shown } = session();
    search.input('d');
    search.input('de');
    search.input('dep');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS - 1);
    expect(asked).toEqual([]);
    search.input('depl');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    expect(asked.map((a) => a.query)).toEqual([{ q: 'depl*', cursor: undefined }]);
    asked[0].answer(answerTo(asked[0].query));
    await jest.advanceTimersByTimeAsync(0);
    expect(shown).toEqual(['first: depl*']);
  });

  it('drops the answer to an older search that comes after the newer one', async () => {
    const { search, asked, shown, statuses } = session();
    search.input('rel');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    search.input('release');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    expect(asked.map((a) => a.query.q)).toEqual(['rel*', 'release*']);
    asked[1].answer(answerTo(asked[1].query));
    asked[0].answer(answerTo(asked[0].query));
    asked[0].fail(new Error('never shown'));
    await jest.advanceTimersByTimeAsync(0);
    expect(shown).toEqual(['first: release*']);
    expect(statuses.at(-1)).toBe('');

    // Emptied while a search is on its way: its answer is dropped too.
    search.input('releases');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    search.input('');
    asked[2].answer(answerTo(asked[2].query));
    await jest.advanceTimersByTimeAsync(0);
    expect(shown).toEqual(['first: release*', 'cleared']);
  });

  it('asks for the next page of the same query with the cursor given', async () => {
    const { search, asked, shown } = session();
    search.input('deploy ');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    asked[0].answer(answerTo(asked[0].query, 'c1'));
    await jest.advanceTimersByTimeAsync(0);
    expect(search.hasMore).toBe(true);
    void search.more();
    expect(asked[1].query).toEqual({ q: 'deploy', cursor: 'c1' });
    asked[1].answer(answerTo(asked[1].query));
    await jest.advanceTimersByTimeAsync(0);
    expect(shown).toEqual(['first: deploy', 'next: deploy after c1']);
    expect(search.hasMore).toBe(false);
  });

  it('says why nothing was found, and sends a search refused as too fast once more', async () => {
    const { search, asked, shown, statuses } = session();
    search.input('the ');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    asked[0].answer({ results: [], next_cursor: null, notice: 'Only stop words' });
    await jest.advanceTimersByTimeAsync(0);
    expect(statuses.at(-1)).toBe('Only stop words');

    search.input('zzz ');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    asked[1].answer({ results: [], next_cursor: null });
    await jest.advanceTimersByTimeAsync(0);
    expect(statuses.at(-1)).toBe('No messages found');

    search.input('deploy ');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    asked[2].fail(new ChatApiError(429, 'Too many searches'));
    await jest.advanceTimersByTimeAsync(0);
    expect(statuses.at(-1)).toBe('error: Searching too fast, wait a moment');
    await jest.advanceTimersByTimeAsync(SEARCH_RETRY_MS);
    expect(asked.map((a) => a.query.q)).toEqual(['the', 'zzz', 'deploy', 'deploy']);
    asked[3].fail(new ChatApiError(429, 'Too many searches'));
    await jest.advanceTimersByTimeAsync(SEARCH_RETRY_MS * 5);
    expect(asked).toHaveLength(4);
    expect(shown).toEqual(['first: ', 'first: ']);

    search.input('deploy now ');
    await jest.advanceTimersByTimeAsync(SEARCH_DELAY_MS);
    asked[4].fail(new ChatApiError(503, 'The search took too long'));
    await jest.advanceTimersByTimeAsync(SEARCH_RETRY_MS * 5);
    expect(statuses.at(-1)).toBe('error: The search took too long');
    expect(asked).toHaveLength(5);
  });
});
