import { ChatHttp } from '@chat/client';
import { bulkLoadHistory, searchMatches } from './bench-database';
import { BenchProfile } from './bench-profile';
import { GENERAL_ROOM, historySlots, readableRooms } from './history-rooms';
import { SEARCHES, SearchKind } from './message-corpus';
import { setUpSearcher } from './search-setup';
import { startServer, stopServer } from './servers';
import { medianOf, Percentiles } from './stats';
import { timeInOwnProcess, TimedRequest } from './timed-requests';

export interface HistoryLatency {
  /** Messages stored while the routes were timed. */
  messages: number;
  last: Percentiles;
  /** GET /api/v1/rooms/1/messages: the general room's newest page through the v2 API. */
  roomNewest: Percentiles;
  load: Percentiles;
  /** The same client against a bare Node HTTP server: the floor of the other figures. */
  baseline: Percentiles;
  search: SearchLatency;
}

/** GET /api/v1/search as one user, timed in the same rounds as the history routes. */
export interface SearchLatency {
  /** Messages in the rooms the searcher reads (general and its own). */
  readable: number;
  figures: Record<SearchKind, SearchFigure>;
}

export interface SearchFigure {
  query: string;
  /** Readable messages the query matches. */
  matches: number;
  /** Words of the bench's vocabulary the query matches. */
  words: number;
  /** Results on the first page (the default limit), the same before and after the timing. */
  results: number;
  latency: Percentiles;
}

const KINDS = Object.keys(SEARCHES) as SearchKind[];
/** The newest pages' size (both routes' default). */
const FULL_PAGE = 50;

/**
 * The history routes' and the searches' latency with `profile.history` stored messages, spread
 * over the general room and some others (see historySlots).
 */
export async function historyLatency(
  databaseUrl: string,
  profile: BenchProfile,
): Promise<HistoryLatency> {
  const server = await startServer('chat', { DATABASE_URL: databaseUrl });
  const bare = await startServer('naive');
  try {
    const searcher = await setUpSearcher(server.httpUrl);
    const { messages, maxId } = await bulkLoadHistory(
      databaseUrl,
      profile.history,
      historySlots(searcher.rooms),
    );
    const found = await searchMatches(databaseUrl, readableRooms(searcher.rooms));
    const bearer = { authorization: `Bearer ${searcher.token}` };
    const newestPaths = ['/routers/last_messages', `/api/v1/rooms/${GENERAL_ROOM}/messages`];
    await expectFullPages(server.httpUrl, newestPaths, bearer);
    const search = (query: string): TimedRequest => ({
      baseUrl: server.httpUrl,
      method: 'GET',
      path: `/api/v1/search?q=${encodeURIComponent(query)}`,
      headers: bearer,
    });
    const requests = {
      last: { baseUrl: server.httpUrl, method: 'GET', path: newestPaths[0] },
      roomNewest: { baseUrl: server.httpUrl, method: 'GET', path: newestPaths[1], headers: bearer },
      load: {
        baseUrl: server.httpUrl,
        method: 'POST',
        path: '/routers/load',
        randomMessageIdUpTo: maxId,
      },
      rare: search(SEARCHES.rare),
      common: search(SEARCHES.common),
      prefix: search(SEARCHES.prefix),
      baseline: { baseUrl: bare.httpUrl, method: 'GET', path: '/' },
    } satisfies Record<string, TimedRequest>;
    const results = await firstPages(searcher.http);
    // Rounds alternate the requests; each figure is the median of the rounds' percentiles.
    const rounds = (await timeInOwnProcess({
      requests,
      perRound: profile.historyRequests,
      rounds: profile.rounds,
    })) as Record<keyof typeof requests, Percentiles[]>;
    const after = await firstPages(searcher.http);
    const figures = {} as Record<SearchKind, SearchFigure>;
    for (const kind of KINDS) {
      if (after[kind] !== results[kind]) {
        throw new Error(`search ${kind}: ${results[kind]} results, then ${after[kind]}`);
      }
      figures[kind] = {
        query: SEARCHES[kind],
        matches: found.matches[kind],
        words: found.words[kind],
        results: results[kind],
        latency: medianOf(rounds[kind]),
      };
    }
    return {
      messages,
      last: medianOf(rounds.last),
      roomNewest: medianOf(rounds.roomNewest),
      load: medianOf(rounds.load),
      baseline: medianOf(rounds.baseline),
      search: { readable: found.readable, figures },
    };
  } finally {
    await stopServer(bare);
    await stopServer(server);
  }
}

/**
 * The newest pages are answered from memory until the room's next change is heard, and the bulk
 * load announces nothing: a page kept before it would be timed instead of the loaded history.
 */
async function expectFullPages(
  baseUrl: string,
  paths: string[],
  headers: Record<string, string>,
): Promise<void> {
  for (const path of paths) {
    const page = (await (await fetch(`${baseUrl}${path}`, { headers })).json()) as unknown[];
    if (page.length !== FULL_PAGE) {
      throw new Error(`${path}: ${page.length} messages after the bulk load, not ${FULL_PAGE}`);
    }
  }
}

/**
 * How many results each search's first page holds, through the SDK (which fails on anything but
 * a 200); a search that finds nothing fails the run rather than be timed.
 */
async function firstPages(http: ChatHttp): Promise<Record<SearchKind, number>> {
  const sizes = {} as Record<SearchKind, number>;
  for (const kind of KINDS) {
    const answer = await http.search({ q: SEARCHES[kind] });
    if (answer.results.length === 0) {
      throw new Error(
        `search ${kind} (${SEARCHES[kind]}) found nothing: ${JSON.stringify(answer)}`,
      );
    }
    sizes[kind] = answer.results.length;
  }
  return sizes;
}
