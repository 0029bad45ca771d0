import type { SearchAnswer, SearchQuery } from '@chat/client';
import { isRateLimited, searchErrorText, typeAheadQuery } from './search-query';

/** Typing pauses this long before a search goes. */
export const SEARCH_DELAY_MS = 300;
/** A search refused as too frequent goes once more after this long, if still the latest. */
export const SEARCH_RETRY_MS = 1_000;

export interface SearchSessionContext {
  search(query: SearchQuery): Promise<SearchAnswer>;
  /** A page of hits: the first of a query (replacing what was shown) or the next one. */
  shown(answer: SearchAnswer, next: boolean): void;
  /** Nothing to search any more (the box was emptied): clear the results. */
  cleared(): void;
  /** A line to show under the box ('' for none); `failed` for an error. */
  status(text: string, failed: boolean): void;
}

/**
 * Search as you type: a search goes once typing pauses (SEARCH_DELAY_MS), the last word searched
 * as a prefix (see typeAheadQuery), and only the answer to the latest search is shown: an answer
 * to an older one that comes late is dropped. "More results" asks for the page after the one
 * shown, of the same query.
 */
export class SearchSession {
  private timer?: ReturnType<typeof setTimeout>;
  /** Numbers each search sent; an answer to any but the latest is stale. */
  private latest = 0;
  /** The query of the latest search and its next page. */
  private query = '';
  private cursor: string | null = null;

  constructor(private readonly context: SearchSessionContext) {}

  /** The box holds `typed` now. */
  input(typed: string): void {
    clearTimeout(this.timer);
    const query = typeAheadQuery(typed);
    if (query === this.query) return;
    if (query === '') {
      this.latest++;
      this.query = '';
      this.cursor = null;
      this.context.status('', false);
      return this.context.cleared();
    }
    this.timer = setTimeout(() => void this.run(query), SEARCH_DELAY_MS);
  }

  /** Whether the results shown have a next page. */
  get hasMore(): boolean {
    return this.cursor !== null;
  }

  /** The next page of the results shown. */
  more(): Promise<void> {
    return this.cursor === null ? Promise.resolve() : this.run(this.query, this.cursor);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.latest++;
  }

  private async run(query: string, cursor?: string, retried = false): Promise<void> {
    const ticket = ++this.latest;
    this.query = query;
    this.context.status('Searching…', false);
    try {
      const answer = await this.context.search({ q: query, cursor });
      if (ticket !== this.latest) return;
      this.cursor = answer.next_cursor;
      this.context.shown(answer, cursor !== undefined);
      const none = answer.results.length === 0 && cursor === undefined;
      this.context.status(answer.notice ?? (none ? 'No messages found' : ''), false);
    } catch (error) {
      if (ticket !== this.latest) return;
      // The query stays the one asked, so typing it again does not search again at once.
      this.context.status(searchErrorText(error), true);
      if (!isRateLimited(error) || retried) return;
      this.timer = setTimeout(() => {
        if (ticket === this.latest) void this.run(query, cursor, true);
      }, SEARCH_RETRY_MS);
    }
  }
}
