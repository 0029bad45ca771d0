import { randomBytes } from 'node:crypto';
import { Browser, Page } from 'playwright-core';
import type { RoomMessage } from '@chat/protocol';
import { bearer, createUser, TestUser, uniqueName } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { roomsApi } from '../support/v2-rooms';
import {
  ChatPage,
  hasCount,
  hasText,
  launchBrowser,
  messageItem,
  openClient,
  sendMessage,
  signIn,
  waitUntil,
} from './browser';

/** A word no other message of the suite holds: letters only, so the search reads it as one word. */
function uniqueWord(prefix: string): string {
  const letters = [...randomBytes(8)].map((byte) => String.fromCharCode(97 + (byte % 26)));
  return `${prefix}${letters.join('')}`;
}

/**
 * Message search in the web client: results as one types, only from rooms one can read, matches
 * marked, pages, and a hit opening its room at the message, however far back.
 */
describe('message search in the web client', () => {
  let t: TestApp;
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;
  let rooms: ReturnType<typeof roomsApi>;
  const pages: ChatPage[] = [];

  const open = async (user: TestUser) => {
    const chat = await openClient(browser, t.baseUrl);
    pages.push(chat);
    await signIn(chat, user);
    return chat;
  };
  const post = async (by: TestUser, roomId: number, text: string): Promise<RoomMessage> => {
    const response = await t.http
      .post(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(by))
      .send({ text })
      .expect(201);
    return response.body as RoomMessage;
  };
  /** A room of Alice's, named, with Bob in it when asked. */
  const aliceRoom = async (name: string, withBob = false) => {
    const roomId = await rooms.create(alice, 'private', name);
    if (withBob) await rooms.add(roomId, alice, bob);
    return roomId;
  };
  /** Types into the search box key by key, as a person does. */
  const typeSearch = async (page: Page, text: string) => {
    const box = page.getByRole('searchbox', { name: 'Search messages' });
    await box.fill('');
    await box.pressSequentially(text, { delay: 30 });
  };
  const hits = (page: Page) => page.locator('#search-results button.search-hit');
  const hitsStatus = (page: Page) => page.locator('#search-results [role=status]');
  const messages = (page: Page) => page.locator('ol.messages');
  /** Whether a message is within the list's visible part. */
  const inView = (page: Page, text: string) =>
    messageItem(page, text).evaluate((item) => {
      type Box = { top: number; bottom: number };
      type Boxed = { getBoundingClientRect(): Box; closest(s: string): Boxed };
      const own = (item as unknown as Boxed).getBoundingClientRect();
      const list = (item as unknown as Boxed).closest('ol.messages').getBoundingClientRect();
      return own.top >= list.top && own.bottom <= list.bottom;
    });
  /** Every message of a room as the server holds it, oldest first. */
  const history = async (by: TestUser, roomId: number): Promise<RoomMessage[]> => {
    const all: RoomMessage[] = [];
    for (let page = 0; page < 20; page++) {
      const response = await t.http
        .get(`/api/v1/rooms/${roomId}/messages`)
        .query({ after_seq: all.at(-1)?.seq ?? 0, limit: 100 })
        .set(...bearer(by))
        .expect(200);
      all.push(...(response.body as RoomMessage[]));
      if (response.body.length < 100) return all;
    }
    throw new Error('history longer than expected');
  };
  const shownIds = (page: Page) =>
    page
      .locator('ol.messages > li.message')
      .evaluateAll((items) =>
        items.map((item) => Number((item as unknown as { dataset: { id: string } }).dataset.id)),
      );

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '1000', MESSAGE_RATE_BURST: '1000' });
    browser = await launchBrowser();
    rooms = roomsApi(t);
    alice = await createUser(t, uniqueName('alice'));
    bob = await createUser(t, uniqueName('bob'));
  });
  afterEach(async () => {
    for (const chat of pages.splice(0)) await chat.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it("finds a word as it is typed in one's rooms, match marked, and never in another's private room", async () => {
    const word = uniqueWord('launch');
    const roomName = uniqueName('rockets');
    const roomId = await aliceRoom(roomName);
    const bobsRoom = await rooms.create(bob, 'private', uniqueName('bobs'));
    await post(bob, bobsRoom, `secret ${word} of bob`);
    await post(alice, roomId, `the ${word} is <b>ready</b>`);
    await post(bob, 1, `general hears of the ${word} too`);
    const a = await open(alice);

    // Part of the word is enough while typing: it is searched as a prefix.
    await typeSearch(a.page, word.slice(0, 9));
    await hasCount(hits(a.page), 2);
    const mine = hits(a.page).filter({ hasText: roomName });
    await hasText(mine.locator('.hit-author'), alice.name);
    await hasText(mine.locator('mark'), word);
    // Markup in a message is shown as the text it is.
    await hasText(mine.locator('.hit-snippet'), `the ${word} is <b>ready</b>`);
    expect(await mine.locator('.hit-snippet b').count()).toBe(0);
    expect(await mine.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    await hasText(hits(a.page).filter({ hasText: 'general' }).locator('mark'), word);

    await typeSearch(a.page, word);
    await hasText(hitsStatus(a.page), '');
    await hasCount(hits(a.page), 2);
    const texts = await hits(a.page).allTextContents();
    expect(texts.join('\n')).not.toContain('secret');
    expect(await a.page.locator(`#search-results [data-room-id="${bobsRoom}"]`).count()).toBe(0);
  });

  it('pages with "More results", says when nothing was found, and shows the server\'s notice', async () => {
    const word = uniqueWord('pager');
    const roomId = await aliceRoom(uniqueName('pages'));
    for (let i = 1; i <= 23; i++) await post(alice, roomId, `${word} number ${i}`);
    const a = await open(alice);

    await typeSearch(a.page, `${word} `);
    await hasCount(hits(a.page), 20);
    await a.page.getByRole('button', { name: 'More results' }).click();
    await hasCount(hits(a.page), 23);
    await hasCount(a.page.getByRole('button', { name: 'More results' }), 0);

    await typeSearch(a.page, uniqueWord('nothing'));
    await hasText(hitsStatus(a.page), 'No messages found');
    await hasCount(hits(a.page), 0);
    await typeSearch(a.page, 'the ');
    await hasText(hitsStatus(a.page), /no word to search for/);
  });

  it('shows a Russian word found by its stem, marked as written', async () => {
    const tag = uniqueWord('tag');
    const roomName = uniqueName('ru');
    const roomId = await aliceRoom(roomName);
    await post(alice, roomId, `Важное сообщение ${tag}`);
    const a = await open(alice);

    await typeSearch(a.page, 'сообщения');
    const hit = hits(a.page).filter({ hasText: roomName });
    await hasCount(hit, 1);
    await hasText(hit.locator('mark'), 'сообщение');
  });

  it('opens an old message in its room, around it, and scrolls on to the newest without a gap, live messages included', async () => {
    const word = uniqueWord('ancient');
    const roomName = uniqueName('archive');
    const roomId = await aliceRoom(roomName, true);
    for (let i = 1; i <= 170; i++) {
      await post(bob, roomId, i === 12 ? `the ${word} decision` : `filler number ${i}`);
    }
    const a = await openClient(browser, t.baseUrl);
    pages.push(a);
    const socketFrames: string[] = [];
    a.page.on('websocket', (socket) =>
      socket.on('framereceived', ({ payload }) => socketFrames.push(String(payload))),
    );
    await signIn(a, alice);
    // The last page after the old message is read before a message is sent, and reaches the page
    // only after that message came live: the page does not have it, the socket did.
    let raced = false;
    await a.page.route(`**/api/v1/rooms/${roomId}/messages?*`, async (route) => {
      const response = await route.fetch();
      const page = (await response.json()) as RoomMessage[];
      const last = new URL(route.request().url()).searchParams.has('after_seq') && page.length < 50;
      if (last && !raced) {
        raced = true;
        await post(bob, roomId, 'live while the last page was on its way');
        await waitUntil(
          async () => socketFrames.some((frame) => frame.includes('live while the last page')),
          Boolean,
          'the live message on the socket',
        );
      }
      await route.fulfill({ response });
    });

    await typeSearch(a.page, word);
    await hits(a.page).filter({ hasText: roomName }).click();
    await hasText(a.page.locator('#room-title'), roomName);
    const found = messageItem(a.page, `the ${word} decision`);
    await found.waitFor();
    await waitUntil(() => inView(a.page, `the ${word} decision`), Boolean, 'found in view');
    expect(await found.getAttribute('class')).toContain('found');
    await hasCount(a.page.locator('#search-results:not([hidden])'), 0);
    // The history around it is there; the newest is not, until one scrolls or jumps there.
    await messageItem(a.page, 'filler number 11').waitFor();
    await messageItem(a.page, 'filler number 13').waitFor();
    await hasCount(messageItem(a.page, 'filler number 170'), 0);
    const jumpBar = a.page.locator('.jump-bar');
    await hasCount(jumpBar.locator('button:visible', { hasText: 'Jump to newest' }), 1);

    // A live message meanwhile is neither lost nor put next to the old ones.
    await post(bob, roomId, 'live while away');
    await waitUntil(
      async () => {
        await messages(a.page).evaluate((list) => {
          const element = list as unknown as { scrollTop: number; scrollHeight: number };
          element.scrollTop = element.scrollHeight;
        });
        return jumpBar.isHidden();
      },
      Boolean,
      'scrolled down to the newest',
    );
    const server = await history(alice, roomId);
    const firstShown = (await shownIds(a.page))[0];
    const expected = server.filter((m) => m.message_id >= firstShown).map((m) => m.message_id);
    await waitUntil(
      () => shownIds(a.page),
      (ids) => JSON.stringify(ids) === JSON.stringify(expected),
      'every message from the first shown to the newest, in order',
    );
    expect(server.slice(-2).map((m) => m.message)).toEqual([
      'live while away',
      'live while the last page was on its way',
    ]);
    expect(raced).toBe(true);

    // Live again: the next message shows at once, at the end.
    await post(bob, roomId, 'live again');
    await messageItem(a.page, 'live again').waitFor();
    expect((await shownIds(a.page)).at(-1)).toBe((await history(alice, roomId)).at(-1)?.message_id);
  });

  it('goes back to the newest with "Jump to newest", and when one sends a message', async () => {
    const word = uniqueWord('buried');
    const roomName = uniqueName('deep');
    const roomId = await aliceRoom(roomName);
    for (let i = 1; i <= 130; i++) {
      await post(alice, roomId, i === 5 ? `a ${word} line` : `row ${i}`);
    }
    const a = await open(alice);

    await typeSearch(a.page, word);
    await hits(a.page).filter({ hasText: roomName }).click();
    await messageItem(a.page, `a ${word} line`).waitFor();
    await hasCount(messageItem(a.page, 'row 130'), 0);
    await a.page.getByRole('button', { name: 'Jump to newest' }).click();
    await messageItem(a.page, 'row 130').waitFor();
    await waitUntil(() => inView(a.page, 'row 130'), Boolean, 'newest in view');
    await hasCount(messageItem(a.page, `a ${word} line`), 0);

    await typeSearch(a.page, word);
    await hits(a.page).filter({ hasText: roomName }).click();
    await messageItem(a.page, `a ${word} line`).waitFor();
    await sendMessage(a.page, 'sent from far back');
    await messageItem(a.page, 'sent from far back').waitFor();
    await messageItem(a.page, 'row 130').waitFor();
    await hasCount(messageItem(a.page, `a ${word} line`), 0);
  });
});
