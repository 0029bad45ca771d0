import { Browser, Page } from 'playwright-core';
import { bearer, createUser, TestUser, uniqueName } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  ChatPage,
  createRoom,
  hasCount,
  hasText,
  launchBrowser,
  messageItem,
  openClient,
  roomLink,
  sendMessage,
  signIn,
  switchRoom,
} from './browser';

/**
 * Unread and mention counts, the read marker across one person's browsers, the "new messages"
 * line and mentions in the web client.
 */
describe('unread messages and mentions in the web client', () => {
  let t: TestApp;
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;
  const pages: ChatPage[] = [];

  const open = async (user: TestUser) => {
    const chat = await openClient(browser, t.baseUrl);
    pages.push(chat);
    await signIn(chat, user);
    return chat;
  };
  const unreadBadge = (page: Page, room: string) => roomLink(page, room).locator('.unread');
  const mentionBadge = (page: Page, room: string) => roomLink(page, room).locator('.mentions');
  /** A private room of Alice's with Bob in it, made by Alice on her page; answers its name. */
  const roomWithBob = async (a: ChatPage) => {
    const name = uniqueName('corner');
    const roomId = await createRoom(a.page, { name, kind: 'private' });
    await t.http
      .post(`/api/v1/rooms/${roomId}/members`)
      .set(...bearer(alice))
      .send({ user_id: bob.id })
      .expect(201);
    return { name, roomId };
  };
  const post = (roomId: number, text: string) =>
    t.http
      .post(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(bob))
      .send({ text })
      .expect(201);

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '1000', MESSAGE_RATE_BURST: '1000' });
    browser = await launchBrowser();
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

  it("counts another's messages in a room not on screen, and clears them when read on either of one's browsers", async () => {
    const a = await open(alice);
    const { name } = await roomWithBob(a);
    await switchRoom(a.page, 'general');
    const a2 = await open(alice);
    const b = await open(bob);
    await switchRoom(b.page, name);
    await sendMessage(b.page, 'first for alice');
    await sendMessage(b.page, 'second for alice');
    await messageItem(b.page, 'second for alice').waitFor();
    await hasText(unreadBadge(a.page, name), '2 unread');
    await hasText(unreadBadge(a2.page, name), '2 unread');
    // Bob's own view counts nothing of his own.
    await hasCount(unreadBadge(b.page, name), 0);

    await switchRoom(a.page, name);
    await messageItem(a.page, 'second for alice').waitFor();
    await hasCount(unreadBadge(a.page, name), 0);
    // Read on her first browser, so read on her second (the marker is synced).
    await hasCount(unreadBadge(a2.page, name), 0);
  });

  it('keeps the counts across a reload and shows "99+" at the limit', async () => {
    const a = await open(alice);
    const { name, roomId } = await roomWithBob(a);
    await switchRoom(a.page, 'general');
    for (let i = 0; i < 105; i++) await post(roomId, `burst ${i}`);
    await hasText(unreadBadge(a.page, name), '99+ unread');
    await a.page.reload();
    await hasText(unreadBadge(a.page, name), '99+ unread');
  });

  it('draws a "new messages" line at the marker when a room opens', async () => {
    const a = await open(alice);
    const { name, roomId } = await roomWithBob(a);
    await post(roomId, 'already read');
    await messageItem(a.page, 'already read').waitFor();
    await hasCount(a.page.locator('li.divider'), 0);
    await switchRoom(a.page, 'general');
    await post(roomId, 'new one');
    await post(roomId, 'new two');
    await hasText(unreadBadge(a.page, name), '2 unread');

    await switchRoom(a.page, name);
    const divider = a.page.getByRole('separator');
    await hasText(divider, 'New messages');
    const order = await a.page
      .locator('ol.messages > li')
      .evaluateAll((items) =>
        items.map((item) =>
          (item as unknown as { className: string; textContent: string }).className === 'divider'
            ? '--'
            : ((
                item as unknown as { querySelector(s: string): { textContent: string } }
              ).querySelector('p.text')?.textContent ?? ''),
        ),
      );
    expect(order.slice(-4)).toEqual(['already read', '--', 'new one', 'new two']);
    // Opened again with nothing new: no line.
    await switchRoom(a.page, 'general');
    await switchRoom(a.page, name);
    await hasCount(a.page.locator('li.divider'), 0);
  });

  it('highlights a mention of the reader and counts it apart until read', async () => {
    const a = await open(alice);
    const { name } = await roomWithBob(a);
    await switchRoom(a.page, 'general');
    const b = await open(bob);
    await switchRoom(b.page, name);
    await sendMessage(b.page, `over to you @${alice.name}, not @nobody`);
    await sendMessage(b.page, 'and one more');
    await hasText(mentionBadge(a.page, name), '1 mention');
    await hasText(unreadBadge(a.page, name), '2 unread');

    await switchRoom(a.page, name);
    const mention = messageItem(a.page, `over to you @${alice.name}, not @nobody`);
    await hasText(mention.locator('.mention.mine'), `@${alice.name}`);
    await hasText(mention.locator('.mention:not(.mine)'), '@nobody');
    expect(await mention.getAttribute('class')).toBe('message mentions-me');
    await hasCount(messageItem(a.page, 'and one more').locator('.mention'), 0);
    await hasCount(mentionBadge(a.page, name), 0);
    await hasCount(unreadBadge(a.page, name), 0);
  });
});
