import { Injectable } from '@nestjs/common';
import { AuthUser } from '@chat/auth';
import { AppConfig } from '@chat/config';
import { WorkLimit } from '@chat/database';
import { InvalidInputError, TooManyRequestsError, UnavailableError } from '@chat/errors';
import type { SearchAnswer } from '@chat/protocol';
import { RoomAccess, UserRateLimit } from '@chat/rooms';
import { SEARCH_PAGE_DEFAULT, SearchQueryDto } from './dto/search-query.dto';
import { decodeSearchCursor, encodeSearchCursor, SearchCursor } from './search-cursor';
import { isCutOff, SEARCH_WINDOW, SearchFilters, SearchRepository } from './search.repository';
import { searchTerms } from './search-terms';
import { highlightMarks, snippetParts } from './snippet';

/** Searches running at once on one instance: the rest of the pool stays free for chat. */
const SEARCH_CONCURRENCY = 3;
/** Searches waiting for a turn past which more are refused (503) rather than queued. */
const SEARCH_QUEUE_MAX = 50;
/** One user's searches running or waiting at once: a user cannot take every turn. */
const SEARCHES_PER_USER = 2;

export const NOTHING_TO_SEARCH =
  'The query has no word to search for: stop words, punctuation and -words do not count, ' +
  'nor a word in an "or" with a -word';

/**
 * Full-text search of the messages the caller can read: the general room and the rooms they are a
 * member of, by membership in the query itself. Limited per user (SEARCH_RATE_*), per instance
 * (SEARCH_CONCURRENCY at once) and in time (SEARCH_TIMEOUT_MS), so no caller can load the database.
 */
@Injectable()
export class SearchService {
  private readonly searches: UserRateLimit;
  private readonly work = new WorkLimit(SEARCH_CONCURRENCY);
  private readonly inFlight = new Map<number, number>();

  constructor(
    private readonly repository: SearchRepository,
    private readonly access: RoomAccess,
    private readonly config: AppConfig,
  ) {
    this.searches = new UserRateLimit(config.search.rate);
  }

  async search(caller: AuthUser, query: SearchQueryDto): Promise<SearchAnswer> {
    if (!this.searches.take(caller.id)) {
      throw new TooManyRequestsError('Too many searches; retry after a moment');
    }
    const filters = searchFilters(caller, query);
    const scope = filters.roomId === undefined ? 'all' : 'room';
    const cursor = query.cursor === undefined ? undefined : readCursor(query.cursor, scope);
    // A room the caller cannot see is not found, one they have not joined forbidden, as for history.
    if (filters.roomId !== undefined) await this.access.member(caller, filters.roomId);
    if (this.work.queued >= SEARCH_QUEUE_MAX) {
      throw new UnavailableError('Too many searches at once; retry in a moment');
    }
    const mine = this.inFlight.get(caller.id) ?? 0;
    if (mine >= SEARCHES_PER_USER) {
      throw new TooManyRequestsError(
        'Your earlier searches are still running; retry once they end',
      );
    }
    this.inFlight.set(caller.id, mine + 1);
    try {
      return await this.run(query, filters, scope, cursor);
    } finally {
      const left = (this.inFlight.get(caller.id) ?? 1) - 1;
      if (left > 0) this.inFlight.set(caller.id, left);
      else this.inFlight.delete(caller.id);
    }
  }

  private async run(
    query: SearchQueryDto,
    filters: SearchFilters,
    scope: SearchCursor['scope'],
    cursor: SearchCursor | undefined,
  ): Promise<SearchAnswer> {
    const limit = query.limit ?? SEARCH_PAGE_DEFAULT;
    const bound = cursor?.bound ?? Number.MAX_SAFE_INTEGER;
    const marks = highlightMarks();
    const page = await this.work
      .run(() =>
        this.repository.page(
          searchTerms(query.q),
          filters,
          { bound, low: cursor?.low, after: cursor?.after },
          limit + 1,
          {
            timeZone: this.config.timeZone,
            timeoutMs: this.config.search.timeoutMs,
            marks,
          },
        ),
      )
      .catch((error: unknown) => {
        if (!isCutOff(error)) throw error;
        throw new UnavailableError(
          'The search took too long: add words, or narrow it to a room, an author or dates',
        );
      });
    if (page.nothingToSearch) return { results: [], next_cursor: null, notice: NOTHING_TO_SEARCH };

    const hits = page.hits.slice(0, limit);
    // The window's stretch, fixed by its first page, so its later pages rank the same messages:
    // none sent since (above its newest), none slid in from below by a deletion. Its oldest key is
    // 0 when it holds every older match.
    const low =
      cursor?.low ??
      (page.windowSize === SEARCH_WINDOW && page.windowLow !== null ? page.windowLow : 0);
    const high = cursor?.low !== undefined ? bound : (page.windowHigh ?? bound);
    let next: SearchCursor | null = null;
    if (page.hits.length > limit) {
      const last = hits[hits.length - 1];
      next = { scope, bound: high, low, after: { rank: last.rank, id: last.message.message_id } };
    } else if (low > 1) {
      next = { scope, bound: low - 1 };
    }
    return {
      results: hits.map((hit) => ({
        message: hit.message,
        rank: hit.rank,
        snippet: snippetParts(hit.headline, marks),
      })),
      next_cursor: next && encodeSearchCursor(next),
    };
  }
}

function searchFilters(caller: AuthUser, query: SearchQueryDto): SearchFilters {
  const before = query.before === undefined ? undefined : new Date(query.before);
  const after = query.after === undefined ? undefined : new Date(query.after);
  for (const [field, date] of [
    ['before', before],
    ['after', after],
  ] as const) {
    if (date && Number.isNaN(date.getTime())) throw invalid(field, `${field} is not a valid time`);
  }
  if (before && after && after >= before)
    throw invalid('after', 'after must be earlier than before');
  return { callerId: caller.id, roomId: query.room_id, authorId: query.author_id, before, after };
}

function readCursor(value: string, scope: SearchCursor['scope']): SearchCursor {
  const cursor = decodeSearchCursor(value);
  if (!cursor) throw invalid('cursor', 'cursor is not one a search page gave');
  if (cursor.scope !== scope) {
    throw invalid('cursor', 'cursor belongs to a search with or without room_id, not this one');
  }
  return cursor;
}

function invalid(field: string, message: string): InvalidInputError {
  return new InvalidInputError([{ field, message }]);
}
