import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { QueryResult } from 'pg';
import { DataSource } from 'typeorm';
import { isRefusedByPostgres, poolOf } from '@chat/database';
import { roomMessageJsonSql, RoomMessage } from '@chat/messages';
import { GENERAL_ROOM_ID } from '@chat/rooms';
import { SearchTerms } from './search-terms';

/**
 * How many matches are ranked together: the newest this many (up to the cursor's bound), so a
 * common word costs the same at a million messages as at a thousand (ranking every match is what
 * made search time out at 600,000 messages in Mattermost #14569). The next window ranks the next
 * this many older matches.
 */
export const SEARCH_WINDOW = 200;

const QUERY_CANCELED = '57014';

/**
 * A message up to this long is its own snippet, whole and exactly as written; a longer one gives
 * up to two fragments around its matches (ts_headline drops what looks like markup from those).
 */
export const SNIPPET_WHOLE_MAX_CHARACTERS = 300;

/** ts_headline's options for the two cases; the marks are added per search (see highlightMarks). */
const WHOLE = 'HighlightAll=true';
const FRAGMENTS = 'MaxFragments=2, MaxWords=30, MinWords=12, ShortWord=2, FragmentDelimiter=" … "';

/**
 * The tsquery of a query split by searchTerms, from the SQL parameters holding its two parts:
 * websearch_to_tsquery reads the words, to_tsquery the prefixes, each left out when empty. A
 * prefix is read stemmed (`message*` finds the stem `messag`) or as typed, unstemmed (`про*`, a
 * stop word as typed so far, still finds `проверка`). The one
 * definition, for the search and the admin panel's message filter. Written out wherever it is used,
 * not computed once in a CTE: the planner reads the words' frequencies off the constant it folds
 * this into, to choose between the GIN index (rare words) and walking the newest messages (common
 * ones).
 */
export function tsquerySql(words: string, prefixes: string): string {
  const prefixQuery = `(to_tsquery('pg_catalog.russian', ${prefixes})
    || to_tsquery('pg_catalog.simple', ${prefixes}))`;
  return `(CASE
    WHEN ${prefixes} = '' THEN websearch_to_tsquery('pg_catalog.russian', ${words})
    WHEN btrim(${words}) = '' THEN ${prefixQuery}
    ELSE websearch_to_tsquery('pg_catalog.russian', ${words}) && ${prefixQuery} END)`;
}

/**
 * A row matches when its search_vector matches the query, and the query has a word to look for
 * (querytree: '' for none, 'T' for nothing an index can serve, such as only -words).
 */
export function matchesSql(vector: string, words: string, prefixes: string): string {
  const query = tsquerySql(words, prefixes);
  return `${vector} @@ ${query} AND querytree(${query}) NOT IN ('', 'T')`;
}

const TSQUERY = tsquerySql('$1', '$2');

/** querytree's answer for a query with no word (''), or none an index can serve ('T'). */
const NOTHING_TO_SEARCH = `querytree(${TSQUERY}) IN ('', 'T')`;

/**
 * The rooms the caller reads: the general room, and every room they are a member of. Read first,
 * in the search's own transaction and snapshot (sent with its BEGIN, so it costs no round trip),
 * and handed to the search as a constant array ($3): the planner then reads each room's share of
 * the messages off the table's statistics. Gathered inside the search (an InitPlan), the array was
 * unknown when planning, and the filter was guessed to keep ten average rooms' share: among 500
 * rooms, 2% of the messages for a caller whose rooms held 79%. The planner then intersected a rare
 * word's 25 matches with the room index's 794,000 entries (40 ms), or walked the newest messages
 * with parallel workers (15 ms where 2 ms does). Not a join either: as a join, the planner ran the
 * GIN scan once per room. The id is written into the SQL (a batch of statements takes no
 * parameters), so it must be an integer.
 */
export function readableRoomsSql(callerId: number): string {
  if (!Number.isSafeInteger(callerId)) throw new Error(`caller id ${callerId} is not an integer`);
  return `SELECT array_agg(room_id ORDER BY room_id) AS rooms
    FROM (SELECT ${GENERAL_ROOM_ID} AS room_id
          UNION SELECT room_id FROM room_members WHERE user_id = ${callerId}) readable`;
}

const FILTERS = `
  ${matchesSql('m.search_vector', '$1', '$2')}
  AND m.room_id = ANY($3::integer[])
  AND ($5::integer IS NULL OR m.user_id = $5)
  AND ($6::timestamptz IS NULL OR m.created_at < $6)
  AND ($7::timestamptz IS NULL OR m.created_at >= $7)`;

/**
 * Across the caller's rooms the window's key is the message id (newest first, on the primary key
 * or after the GIN index); in one room it is the room's number, on (room_id, seq), which finds a
 * small room's matches without walking every room's newer messages. Only the page is highlighted.
 */
function searchSql(key: 'id' | 'seq', roomFilter: string): string {
  return `
    WITH win AS (
      SELECT m.${key} AS key, m.id, m.search_vector
        FROM messages m
       WHERE ${FILTERS} ${roomFilter}
         AND m.${key} <= $8 AND ($14::bigint IS NULL OR m.${key} >= $14)
       ORDER BY m.${key} DESC
       LIMIT ${SEARCH_WINDOW}),
    page AS (
      SELECT id, rank
        FROM (SELECT id, ts_rank(search_vector, ${TSQUERY}) AS rank FROM win) ranked
       WHERE $9::real IS NULL OR (rank, id) < ($9::real, $10::bigint)
       ORDER BY rank DESC, id DESC
       LIMIT $11)
    SELECT ${NOTHING_TO_SEARCH} AS nothing_to_search,
           (SELECT count(*) FROM win)::int AS window_size,
           (SELECT min(key) FROM win)::float8 AS window_low,
           (SELECT max(key) FROM win)::float8 AS window_high,
           coalesce((
             SELECT json_agg(json_build_object(
                      'rank', p.rank,
                      'message', ${roomMessageJsonSql('$12')},
                      'headline', ts_headline('pg_catalog.russian', m.text, ${TSQUERY},
                        CASE WHEN length(m.text) <= ${SNIPPET_WHOLE_MAX_CHARACTERS}
                             THEN '${WHOLE}, ' || $13 ELSE '${FRAGMENTS}, ' || $13 END))
                    ORDER BY p.rank DESC, p.id DESC)
               FROM page p JOIN messages m ON m.id = p.id JOIN users u ON u.id = m.user_id),
           '[]') AS hits`;
}

const ACROSS_ROOMS = searchSql('id', 'AND $4::integer IS NULL');
const IN_ROOM = searchSql('seq', 'AND m.room_id = $4');

/** The two statements and their parameters (see SearchRepository.page), for EXPLAIN in tests. */
export const SEARCH_STATEMENTS = { acrossRooms: ACROSS_ROOMS, inRoom: IN_ROOM };

export interface SearchFilters {
  callerId: number;
  /** One room, which the caller is in (checked before). */
  roomId?: number;
  authorId?: number;
  before?: Date;
  after?: Date;
}

export interface SearchPosition {
  /** The window's newest key (inclusive). */
  bound: number;
  /**
   * The window's oldest key (inclusive), once its first page fixed it: later pages rank the same
   * stretch, whatever was sent or deleted since.
   */
  low?: number;
  /** The last hit shown from this window. */
  after?: { rank: number; id: number };
}

export interface SearchOptions {
  timeZone: string;
  timeoutMs: number;
  /** The marks around each match in the headline (see highlightMarks). */
  marks: { start: string; stop: string };
}

export interface StoredHit {
  rank: number;
  message: RoomMessage;
  headline: string;
}

export interface SearchWindowPage {
  /** The query holds no word to look for. */
  nothingToSearch: boolean;
  /** Matches in the window (SEARCH_WINDOW when there may be older ones). */
  windowSize: number;
  /** The oldest and newest keys in the window; null when it is empty. */
  windowLow: number | null;
  windowHigh: number | null;
  hits: StoredHit[];
}

/**
 * The search's SQL, on the pool TypeORM opened. Not a named prepared statement: PostgreSQL plans
 * each search with its words in view (a generic plan cannot tell a rare word from a common one).
 * Each runs in a transaction of its own with a statement timeout.
 */
@Injectable()
export class SearchRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async page(
    terms: SearchTerms,
    filters: SearchFilters,
    position: SearchPosition,
    limit: number,
    options: SearchOptions,
  ): Promise<SearchWindowPage> {
    const client = await poolOf(this.dataSource).connect();
    // A connection the server ends fails the statement in flight, handled below, and then emits
    // 'error' as it closes: unheard while the client is checked out, that would end the process.
    client.on('error', ignore);
    let failure: Error | undefined;
    try {
      // Repeatable read: the search sees the rooms exactly as the statement reading them did.
      // extra_float_digits 1: ranks reach the cursor exactly, whatever the server's setting.
      const opened = (await client.query(
        `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
         SET LOCAL statement_timeout = ${Math.floor(options.timeoutMs)};
         SET LOCAL extra_float_digits = 1;
         ${readableRoomsSql(filters.callerId)}`,
      )) as unknown as QueryResult<{ rooms: number[] }>[];
      const [{ rooms }] = opened[opened.length - 1].rows;
      const { rows } = await client.query(
        filters.roomId === undefined ? ACROSS_ROOMS : IN_ROOM,
        searchParameters(terms, filters, rooms, position, limit, options),
      );
      await client.query('COMMIT');
      const [row] = rows;
      return {
        nothingToSearch: row.nothing_to_search,
        windowSize: row.window_size,
        windowLow: row.window_low,
        windowHigh: row.window_high,
        hits: row.hits,
      };
    } catch (error) {
      failure = error instanceof Error ? error : new Error(String(error));
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      // A statement PostgreSQL refused or cut off leaves its connection sound; a failed one is closed.
      client.release(
        failure && !isRefusedByPostgres(failure) && !isCutOff(failure) ? failure : undefined,
      );
      client.off('error', ignore);
    }
  }
}

function ignore(): void {}

/** `rooms`: the rooms the caller reads, as readableRoomsSql gives them. */
export function searchParameters(
  terms: SearchTerms,
  filters: SearchFilters,
  rooms: number[],
  position: SearchPosition,
  limit: number,
  options: SearchOptions,
): unknown[] {
  return [
    terms.words,
    terms.prefixes,
    rooms,
    filters.roomId ?? null,
    filters.authorId ?? null,
    filters.before ?? null,
    filters.after ?? null,
    position.bound,
    position.after?.rank ?? null,
    position.after?.id ?? null,
    limit,
    options.timeZone,
    `StartSel=${options.marks.start}, StopSel=${options.marks.stop}`,
    position.low ?? null,
  ];
}

/**
 * PostgreSQL cancelled the statement at its timeout (pg's error, or TypeORM's wrapping it); the
 * rollback leaves the connection sound.
 */
export function isCutOff(error: unknown): boolean {
  const failure = error as { code?: unknown; driverError?: { code?: unknown } } | null;
  return (failure?.driverError?.code ?? failure?.code) === QUERY_CANCELED;
}
