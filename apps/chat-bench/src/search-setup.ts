import { ChatHttp } from '@chat/client';
import { HistoryRooms, SEARCHER_ROOMS } from './history-rooms';

const PASSWORD = 'bench password';

/** The searching user, and the rooms the bulk load spreads messages over. */
export interface Searcher {
  token: string;
  /** The SDK's helpers as the searcher, for the requests that are not timed. */
  http: ChatHttp;
  rooms: HistoryRooms;
}

/**
 * Registers the searching user, who creates SEARCHER_ROOMS private rooms, and another user, who
 * creates one the searcher is not in; all over the HTTP API, as a client would.
 */
export async function setUpSearcher(httpUrl: string): Promise<Searcher> {
  const searcher = await signUp(httpUrl, `bench-${process.pid}-searcher`);
  const outsider = await signUp(httpUrl, `bench-${process.pid}-outsider`);
  const own: number[] = [];
  for (let i = 0; i < SEARCHER_ROOMS; i++) {
    own.push((await searcher.http.createRoom({ name: `searched ${i}`, kind: 'private' })).id);
  }
  const other = await outsider.http.createRoom({ name: 'not searched', kind: 'private' });
  return { ...searcher, rooms: { searcher: own, outsider: other.id } };
}

async function signUp(httpUrl: string, name: string): Promise<{ token: string; http: ChatHttp }> {
  const anonymous = new ChatHttp({ url: httpUrl });
  await anonymous.register(name, PASSWORD);
  const { token } = await anonymous.login(name, PASSWORD);
  return { token, http: new ChatHttp({ url: httpUrl, token: () => token }) };
}
