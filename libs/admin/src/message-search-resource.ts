import type { ActionContext, BaseRecord, Filter } from 'adminjs' with {
  'resolution-mode': 'import',
};
import { FindManyOptions, SelectQueryBuilder } from 'typeorm';
import { Message } from '@chat/messages';
import { isCutOff, matchesSql, searchTerms } from '@chat/search';
import type { PanelAdapter } from './admin-resources';

/** The search's own match, unless it has no word to look for (as in SearchRepository). */
const MATCHES = matchesSql('message.search_vector', ':words', ':prefixes');

export const SEARCH_CUT_OFF_NOTICE =
  'The search took too long: add words, or narrow it by author or dates';

/** The list requests whose search ran past its timeout: an empty page and a notice for them. */
const cutOff = new WeakSet<ActionContext>();

export function wasCutOff(context: ActionContext): boolean {
  return cutOff.has(context);
}

/** The `text` filter as the adapter passes it on to the model: what to search for. */
class TextSearch {
  constructor(readonly query: string) {}
}

/**
 * The TypeORM resource of Message whose `text` filter is the full-text search of GET
 * /api/v1/search (stems, "phrases", prefix*, -words) instead of the adapter's LIKE, in every room.
 * The adapter still turns the other filters, the sort and the page into TypeORM's find options
 * (its custom filters pass a value through untouched); the model runs them with the search's
 * condition, in a transaction with a statement timeout.
 */
export function messageResourceClass({ Resource }: PanelAdapter, timeoutMs: number) {
  const model = searchableMessages(timeoutMs);
  return class MessageResource extends Resource {
    constructor() {
      super(model);
    }

    override async find(
      filter: Filter,
      params: Parameters<InstanceType<typeof Resource>['find']>[1],
      context?: ActionContext,
    ): Promise<BaseRecord[]> {
      const searching = withTextSearch(filter);
      if (!searching) return super.find(filter, params);
      return orEmptyWhenCutOff(() => super.find(searching, params), [], context);
    }

    override async count(filter: Filter, context?: ActionContext): Promise<number> {
      const searching = withTextSearch(filter);
      if (!searching) return super.count(filter);
      return orEmptyWhenCutOff(() => super.count(searching), 0, context);
    }
  };
}

/** `filter` with its text marked for the search, as the adapter's custom filter; null if none. */
function withTextSearch(filter: Filter): Filter | null {
  const text = filter.filters.text;
  if (!text) return null;
  // Only a hand-made URL (`filters.text~~from=`) gives anything but a string: nothing to search.
  const query = typeof text.value === 'string' ? text.value : '';
  const filters = { ...filter.filters, text: { ...text, custom: new TextSearch(query) } };
  return Object.assign(Object.create(filter) as Filter, { filters });
}

async function orEmptyWhenCutOff<T>(
  run: () => Promise<T>,
  empty: T,
  context: ActionContext | undefined,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isCutOff(error) || !context) throw error;
    cutOff.add(context);
    return empty;
  }
}

/**
 * Message as the adapter reads it (its static find and count), except that a find or count whose
 * `text` condition is a TextSearch runs as the search. Everything else is Message's own.
 */
function searchableMessages(timeoutMs: number): typeof Message {
  const searching = <T>(
    options: FindManyOptions<Message>,
    run: (query: SelectQueryBuilder<Message>) => Promise<T>,
  ): Promise<T> | null => {
    const { text, ...where } = (options.where ?? {}) as Record<string, unknown>;
    if (!(text instanceof TextSearch)) return null;
    return Message.getRepository().manager.transaction(async (manager) => {
      await manager.query(`SET LOCAL statement_timeout = ${Math.floor(timeoutMs)}`);
      const query = manager
        .createQueryBuilder(Message, 'message')
        .setFindOptions({ ...options, where })
        .andWhere(MATCHES, searchTerms(text.query));
      return run(query);
    });
  };
  return Object.create(Message, {
    // BaseEntity's statics (findOneBy, create...) ask `this` for its repository: Message's.
    getRepository: { value: () => Message.getRepository() },
    find: {
      value: (options: FindManyOptions<Message>) =>
        searching(options, (query) => query.getMany()) ?? Message.find(options),
    },
    count: {
      value: (options: FindManyOptions<Message>) =>
        searching(options, (query) => query.getCount()) ?? Message.count(options),
    },
  }) as typeof Message;
}
