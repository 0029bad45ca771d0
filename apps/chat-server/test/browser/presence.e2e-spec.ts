import { Browser, Page } from 'playwright-core';
import { bearer, createUser, TestUser, uniqueName } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  ChatPage,
  createRoom,
  hasAttribute,
  hasText,
  launchBrowser,
  messageItem,
  openClient,
  sendMessage,
  signIn,
} from './browser';

/** The idle time the idle test's page is given (the client's default is 5 minutes). */
const IDLE_MS = 1_500;

/** Presence and typing in the web client, between two or three people in their own browsers. */
describe('presence and typing in the web client', () => {
  let t: TestApp;
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const pages: ChatPage[] = [];

  const open = async (user: TestUser, storage: Record<string, string> = {}) => {
    const chat = await openClient(browser, t.baseUrl, storage);
    pages.push(chat);
    await signIn(chat, user);
    return chat;
  };
  /** The presence dot next to the author of a message. */
  const authorDot = (page: Page, text: string) => messageItem(page, text).locator('.presence');
  const typingLine = (page: Page) => page.locator('p.typing');
  /** The page behaves as a tab the user switched away from (or back to). */
  const setHidden = (page: Page, hidden: boolean) =>
    page.evaluate((hidden) => {
      const doc = (globalThis as unknown as { document: EventTarget }).document;
      Object.defineProperty(doc, 'visibilityState', {
        configurable: true,
        get: () => (hidden ? 'hidden' : 'visible'),
      });
      doc.dispatchEvent(new Event('visibilitychange'));
    }, hidden);

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    alice = await createUser(t, uniqueName('alice'));
    bob = await createUser(t, uniqueName('bob'));
    carol = await createUser(t, uniqueName('carol'));
  });
  afterEach(async () => {
    for (const chat of pages.splice(0)) await chat.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it("shows a person's online dot by their messages and in the members list, offline once they close", async () => {
    const a = await open(alice);
    const b = await open(bob);
    await sendMessage(b.page, 'bob is here');
    await hasAttribute(authorDot(a.page, 'bob is here'), 'data-status', /^online$/);
    await hasAttribute(authorDot(a.page, 'bob is here'), 'aria-label', /^online$/);

    await a.page.getByRole('button', { name: /^Members/ }).click();
    const members = a.page.getByRole('dialog', { name: /^Members of/ });
    const bobInList = members.locator(`li[data-user-id="${bob.id}"] .presence`);
    await hasAttribute(bobInList, 'data-status', /^online$/);

    await b.context.close();
    await hasAttribute(bobInList, 'data-status', /^offline$/);
    await members.getByRole('button', { name: 'Done' }).click();
    await hasAttribute(authorDot(a.page, 'bob is here'), 'data-status', /^offline$/);
  });

  it("counts a room's members online in its header", async () => {
    const a = await open(alice);
    const name = uniqueName('den');
    const roomId = await createRoom(a.page, { name, kind: 'private' });
    await t.http
      .post(`/api/v1/rooms/${roomId}/members`)
      .set(...bearer(alice))
      .send({ user_id: bob.id })
      .expect(201);
    const count = a.page.locator('.room-header .online-count');
    await hasText(count, '1 online');
    const b = await open(bob);
    await hasText(count, '2 online');
    await b.context.close();
    await hasText(count, '1 online');
  });

  it('counts the user online when their socket got in only after the members were read', async () => {
    const chat = await openClient(browser, t.baseUrl);
    pages.push(chat);
    let membersRead = false;
    await chat.page.route('**/api/v1/presence?user_ids=*', async (route) => {
      await route.fulfill({ response: await route.fetch() });
      membersRead = true;
    });
    // The socket is refused until the general room's statuses have been read (alice offline).
    await chat.page.routeWebSocket(/\/ws$/, (socket) =>
      membersRead ? socket.connectToServer() : socket.close(),
    );
    await signIn(chat, alice);
    expect(membersRead).toBe(true);
    await hasText(chat.page.locator('.room-header .online-count'), '1 online');
  });

  it('shows who is typing, for two at once, until their message comes or 5 s pass', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const c = await open(carol);
    await b.page.getByLabel('Message', { exact: true }).fill('half a thou');
    await hasText(typingLine(a.page), `${bob.name} is typing…`);
    await hasText(typingLine(b.page), '');
    await c.page.getByLabel('Message', { exact: true }).fill('me too');
    await hasText(typingLine(a.page), `${bob.name} and ${carol.name} are typing…`);

    await b.page.getByLabel('Message', { exact: true }).fill('half a thought, finished');
    await b.page.getByLabel('Message', { exact: true }).press('Enter');
    await messageItem(a.page, 'half a thought, finished').waitFor();
    await hasText(typingLine(a.page), `${carol.name} is typing…`);
    // Carol stops typing: gone within 5 s of her last typing frame.
    await hasText(typingLine(a.page), '');
  });

  it('shows someone away while their tab is hidden, and online again when it is back', async () => {
    const a = await open(alice);
    const b = await open(bob);
    await sendMessage(b.page, 'about to switch tabs');
    const dot = authorDot(a.page, 'about to switch tabs');
    await hasAttribute(dot, 'data-status', /^online$/);
    await setHidden(b.page, true);
    await hasAttribute(dot, 'data-status', /^away$/);
    await setHidden(b.page, false);
    await hasAttribute(dot, 'data-status', /^online$/);
  });

  it('shows someone away once idle, and online again at their next move', async () => {
    const a = await open(alice);
    const c = await open(carol, { 'chat.idleMs': String(IDLE_MS) });
    await sendMessage(c.page, 'going for coffee');
    const dot = authorDot(a.page, 'going for coffee');
    await hasAttribute(dot, 'data-status', /^online$/);
    await hasAttribute(dot, 'data-status', /^away$/);
    await c.page.mouse.move(200, 200);
    await c.page.mouse.move(240, 260);
    await hasAttribute(dot, 'data-status', /^online$/);
  });
});
