import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { TestUser } from '../support/factories';

/** Debian's package; .ci/run installs it when missing. No browser is downloaded. */
const CHROMIUM = '/usr/bin/chromium';

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without these Chromium keeps calling out to Google's hosts, which this network refuses.
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface ChatPage {
  context: BrowserContext;
  page: Page;
  /** Every host the page sent a request to. */
  hosts: Set<string>;
  /** Texts of alert/confirm dialogs the page opened (confirms are accepted). */
  dialogs: string[];
}

/**
 * A browser context of its own with the client open at `/`; `localStorage` holds the given items
 * before the page's script runs.
 */
export async function openClient(
  browser: Browser,
  baseUrl: string,
  localStorage: Record<string, string> = {},
): Promise<ChatPage> {
  const context = await browser.newContext({ viewport: { width: 900, height: 700 } });
  await context.addInitScript((items) => {
    type Storage = { setItem(key: string, value: string): void };
    const storage = (globalThis as unknown as { localStorage: Storage }).localStorage;
    for (const [key, value] of Object.entries(items)) storage.setItem(key, value);
  }, localStorage);
  const page = await context.newPage();
  const hosts = new Set<string>();
  const dialogs: string[] = [];
  page.on('request', (request) => hosts.add(new URL(request.url()).host));
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.accept();
  });
  await page.goto(baseUrl);
  return { context, page, hosts, dialogs };
}

/** Signs in through the form and waits for the room to be connected. */
export async function signIn(chat: ChatPage, user: Pick<TestUser, 'name' | 'password'>) {
  const { page } = chat;
  await page.getByLabel('Name').fill(user.name);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await connected(page);
}

export async function connected(page: Page): Promise<void> {
  await page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
}

export async function sendMessage(page: Page, text: string): Promise<void> {
  await page.getByLabel('Message', { exact: true }).fill(text);
  await page.getByLabel('Message', { exact: true }).press('Enter');
}

/** The list item of the message whose text is exactly `text`. */
export function messageItem(page: Page, text: string) {
  return page.locator('li.message').filter({
    has: page.locator('p.text', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }),
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const WAIT_MS = 10_000;

/**
 * Polls `probe` until `accept` holds (playwright-core has no `expect`); throws with the last value
 * after 10 s.
 */
export async function waitUntil<T>(
  probe: () => Promise<T>,
  accept: (value: T) => boolean,
  what: string,
): Promise<T> {
  const deadline = Date.now() + WAIT_MS;
  let value = await probe();
  while (!accept(value)) {
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    value = await probe();
  }
  return value;
}

export const hasCount = (locator: Locator, count: number) =>
  waitUntil(
    () => locator.count(),
    (n) => n === count,
    `count of ${locator}`,
  );

export const hasText = (locator: Locator, text: string | RegExp) =>
  waitUntil(
    async () => ((await locator.textContent()) ?? '').trim(),
    (value) => (typeof text === 'string' ? value === text : text.test(value)),
    `text of ${locator}`,
  );

export const hasAttribute = (locator: Locator, name: string, pattern: RegExp) =>
  waitUntil(
    () => locator.getAttribute(name),
    (value) => value !== null && pattern.test(value),
    `${name} of ${locator}`,
  );

/** The sidebar link of a room or direct conversation, by (part of) its name. */
export function roomLink(page: Page, name: string): Locator {
  return page.getByRole('navigation', { name: 'Rooms' }).getByRole('link', { name });
}

/** Shows a room through its sidebar link and waits for its heading. */
export async function switchRoom(page: Page, name: string): Promise<void> {
  await roomLink(page, name).click();
  await hasText(page.locator('#room-title'), new RegExp(escapeRegExp(name)));
}

/** Makes a room through "New room"; answers its id, read from the address it opens at. */
export async function createRoom(
  page: Page,
  room: { name: string; kind: 'public' | 'private'; topic?: string },
): Promise<number> {
  await page.getByRole('button', { name: 'New room' }).click();
  const dialog = page.getByRole('dialog', { name: 'New room' });
  await dialog.getByLabel('Room name').fill(room.name);
  if (room.topic) await dialog.getByLabel('Topic').fill(room.topic);
  await dialog.getByLabel(room.kind === 'public' ? /^Public/ : /^Private/).check();
  await dialog.getByRole('button', { name: 'Create room' }).click();
  await hasText(page.locator('#room-title'), room.name);
  return roomInAddress(page);
}

/** The room the page's address names (`#/rooms/5`). */
export function roomInAddress(page: Page): number {
  const match = /#\/rooms\/(\d+)$/.exec(page.url());
  if (!match) throw new Error(`no room in the address ${page.url()}`);
  return Number(match[1]);
}

/** Opens the client's address of a room, as a link to it would. */
export async function goToRoom(chat: ChatPage, baseUrl: string, roomId: number): Promise<void> {
  await chat.page.goto(`${baseUrl}/#/rooms/${roomId}`);
}

/** How far a scrolling element is scrolled. */
export function scrollTop(locator: Locator): Promise<number> {
  return locator.evaluate((element) => (element as unknown as { scrollTop: number }).scrollTop);
}
