import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser } from 'playwright-core';
import sharp from 'sharp';
import {
  createUser,
  createUserWithRole,
  loginAdmin,
  PASSWORD,
  TestUser,
  uniqueName,
} from '../support/factories';
import { REPOSITORY_ROOT } from '../support/server-processes';
import { startTestApp, TestApp } from '../support/test-app';
import {
  ChatPage,
  connected,
  hasAttribute,
  hasCount,
  hasText,
  launchBrowser,
  messageItem,
  openClient,
  sendMessage,
  signIn,
} from './browser';
import { TcpProxy } from '../support/tcp-proxy';

/** `SCREENSHOTS=1 npm run test:browser` refreshes the README's pictures. */
const SCREENSHOTS =
  process.env.SCREENSHOTS === '1' ? join(REPOSITORY_ROOT, 'docs/screenshots') : null;

describe('the web client at /', () => {
  let t: TestApp;
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;

  const open = async (user?: TestUser) => {
    const chat = await openClient(browser, t.baseUrl);
    if (user) await signIn(chat, user);
    return chat;
  };
  const screenshot = async (chat: ChatPage, name: string) => {
    if (!SCREENSHOTS) return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    await chat.page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  };
  const dialogStatus = (chat: ChatPage) => chat.page.getByRole('dialog').getByRole('status');

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    alice = await createUser(t, uniqueName('alice'));
    bob = await createUser(t, uniqueName('bob'));
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('is served with cache headers and a content security policy, and loads nothing from elsewhere', async () => {
    const index = await t.http.get('/').expect(200);
    expect(index.headers['content-type']).toMatch(/text\/html/);
    expect(index.headers['cache-control']).toBe('no-cache');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    const asset = index.text.match(/\/assets\/[\w.-]+\.js/)![0];
    const script = await t.http.get(asset).expect(200);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    await t.http.get('/routers/nothing-here').expect(404);

    const chat = await open(alice);
    await sendMessage(chat.page, 'offline-ready');
    await messageItem(chat.page, 'offline-ready').waitFor();
    expect([...chat.hosts]).toEqual([new URL(t.baseUrl).host]);
  });

  it('keeps the token out of the socket URL', async () => {
    const chat = await open();
    const urls: string[] = [];
    chat.page.on('websocket', (socket) => urls.push(socket.url()));
    await signIn(chat, alice);
    await sendMessage(chat.page, 'no token in the URL');
    await messageItem(chat.page, 'no token in the URL').waitFor();
    expect(urls).toEqual([`${t.baseUrl.replace(/^http/, 'ws')}/ws`]);
  });

  it('registers, shows API errors from detail, logs out and in again', async () => {
    const chat = await open();
    const { page } = chat;
    await screenshot(chat, 'sign-in');
    const name = uniqueName('newcomer');
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill('short');
    await page.getByRole('button', { name: 'Create account' }).click();
    await hasText(page.getByRole('alert').first(), /password must be 8 to 72 bytes/);

    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await connected(page);
    await hasText(page.locator('.me'), name);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await hasText(page.getByRole('alert').first(), 'Invalid credentials');
    await signIn(chat, { name, password: PASSWORD });
  });

  it('lets two people chat: own messages on the right, others with name, avatar and time', async () => {
    const a = await open(alice);
    const b = await open(bob);
    await sendMessage(a.page, 'hello bob');
    const atBob = messageItem(b.page, 'hello bob');
    await atBob.waitFor();
    expect(await atBob.getAttribute('class')).toBe('message');
    await hasText(atBob.locator('.author'), alice.name);
    await hasAttribute(atBob.locator('img.avatar'), 'src', /^\/static\/avatars\//);
    await hasText(atBob.locator('time'), /^\d\d:\d\d:\d\d$/);
    await hasAttribute(messageItem(a.page, 'hello bob'), 'class', /^message own$/);
    await hasCount(messageItem(a.page, 'hello bob').locator('.author'), 0);

    await sendMessage(b.page, 'hi alice');
    await messageItem(a.page, 'hi alice').waitFor();
    await screenshot(a, 'chat');
  });

  it('shows HTML from users as text', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const hostile = '<img src=x onerror=alert(1)>';
    await sendMessage(a.page, hostile);
    const shown = messageItem(b.page, hostile);
    await shown.waitFor();
    await hasText(shown.locator('p.text'), hostile);
    expect(await b.page.locator('img[src="x"]').count()).toBe(0);
    expect(b.dialogs).toEqual([]);
  });

  // Version 2 lets authors delete their own messages (moderators delete any in public rooms).
  it('edits its own message live; its author and moderators delete it, nobody else', async () => {
    const moderator = await createUserWithRole(t, await loginAdmin(t), 2);
    const a = await open(alice);
    const b = await open(bob);
    const m = await open(moderator);
    await sendMessage(a.page, 'first draft');
    const mine = messageItem(a.page, 'first draft');
    await mine.waitFor();
    await hasCount(mine.getByRole('button', { name: 'Delete' }), 1);
    await mine.getByRole('button', { name: 'Edit' }).click();
    await a.page.getByLabel('Edit message').fill('final text');
    await a.page.getByRole('button', { name: 'Save' }).click();
    const atBob = messageItem(b.page, 'final text');
    await hasText(atBob.locator('.meta'), /edited/);
    await hasCount(atBob.getByRole('button', { name: 'Edit' }), 0);
    await hasCount(atBob.getByRole('button', { name: 'Delete' }), 0);

    await messageItem(m.page, 'final text').getByRole('button', { name: 'Delete' }).click();
    await hasCount(messageItem(a.page, 'final text'), 0);
    await hasCount(messageItem(b.page, 'final text'), 0);

    await sendMessage(a.page, 'said too soon');
    await hasCount(messageItem(b.page, 'said too soon').getByRole('button', { name: 'Delete' }), 0);
    await messageItem(a.page, 'said too soon').getByRole('button', { name: 'Delete' }).click();
    await hasCount(messageItem(a.page, 'said too soon'), 0);
    await hasCount(messageItem(b.page, 'said too soon'), 0);
  });

  it('uploads an avatar with a preview, and the other side sees it', async () => {
    const a = await open(alice);
    const b = await open(bob);
    await sendMessage(a.page, 'look at my new face');
    await messageItem(b.page, 'look at my new face').waitFor();

    await a.page.getByRole('button', { name: 'Profile' }).click();
    const png = await sharp({
      create: { width: 200, height: 120, channels: 3, background: '#c0392b' },
    })
      .png()
      .toBuffer();
    await a.page
      .getByLabel(/^Avatar/)
      .setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    await hasAttribute(a.page.getByAltText('Avatar preview'), 'src', /^blob:/);
    await screenshot(a, 'profile');
    await a.page.getByRole('button', { name: 'Upload' }).click();
    await hasText(dialogStatus(a), /Avatar uploaded/);
    await a.page.getByRole('button', { name: 'Close' }).click();

    const avatarAtBob = messageItem(b.page, 'look at my new face').locator('img.avatar');
    await hasAttribute(avatarAtBob, 'src', /^\/static\/avatars\/uploads\//);
    await hasAttribute(a.page.locator('header img.avatar'), 'src', /\/uploads\//);
    // The avatar alone changed: the name still shows beside it.
    await hasText(messageItem(b.page, 'look at my new face'), new RegExp(alice.name));
  });

  it("shows another user's new name on their messages as soon as they rename", async () => {
    const renamer = await createUser(t, uniqueName('renamer'));
    const a = await open(alice);
    const r = await open(renamer);
    await sendMessage(r.page, 'my name is changing');
    const atAlice = messageItem(a.page, 'my name is changing');
    await hasText(atAlice.locator('.author'), renamer.name);
    const newName = uniqueName('renamed');
    await t.http
      .patch('/user/update')
      .set('Authorization', `Bearer ${renamer.token}`)
      .send({ data_update: { name: newName } })
      .expect(201);
    await hasText(atAlice.locator('.author'), newName);
    await hasText(r.page.locator('.me'), newName);
  });

  it('keeps history across a reload, and loads older messages when scrolled to the top', async () => {
    await t.db.query(
      `INSERT INTO messages (user_id, text) SELECT $1, 'older ' || n FROM generate_series(1, 120) n`,
      [bob.id],
    );
    const a = await open(alice);
    const list = a.page.getByRole('log');
    await hasCount(list.locator('li.message'), 50);
    await a.page.reload();
    await connected(a.page);
    await hasCount(list.locator('li.message'), 50);
    await hasCount(messageItem(a.page, 'older 120'), 1);

    const scrollToTop = async () => {
      await list.hover();
      await a.page.mouse.wheel(0, -100_000);
    };
    await scrollToTop();
    await hasCount(list.locator('li.message'), 100);
    await scrollToTop();
    await hasCount(messageItem(a.page, 'older 1'), 1);
    const ids = (await a.page.evaluate(
      "[...document.querySelectorAll('li.message')].map((item) => Number(item.dataset.id))",
    )) as number[];
    expect(ids).toEqual([...ids].sort((x, y) => x - y));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reconnects after the network drops and misses nothing', async () => {
    const a = await open(alice);
    const b = await open(bob);
    await b.context.setOffline(true);
    await hasText(b.page.getByRole('status'), 'Offline');
    const missed = ['while you were away 1', 'while you were away 2', 'while you were away 3'];
    for (const text of missed) {
      await sendMessage(a.page, text);
      await messageItem(a.page, text).waitFor();
    }
    await b.context.setOffline(false);
    await connected(b.page);
    for (const text of missed) await hasCount(messageItem(b.page, text), 1);

    // A message typed while offline is kept and sent once the socket is back.
    await b.context.setOffline(true);
    await hasText(b.page.getByRole('status'), 'Offline');
    await sendMessage(b.page, 'typed offline');
    await b.context.setOffline(false);
    await hasCount(messageItem(a.page, 'typed offline'), 1);
    await hasCount(messageItem(b.page, 'typed offline'), 1);
  });

  it('shows messages as pending while the connection is cut, then stores and shows each once', async () => {
    const relay = await TcpProxy.start(Number(new URL(t.baseUrl).port));
    try {
      const a = await openClient(browser, relay.url);
      await signIn(a, alice);
      const b = await open(bob);
      const sending = a.page.getByRole('list', { name: 'Sending' }).getByRole('listitem');
      const stored = (text: string) =>
        t.db.query('SELECT count(*)::int AS n FROM messages WHERE text = $1', [text]);

      // Stored, but the answer never reaches the page: it stays pending there.
      relay.loseAnswers();
      await sendMessage(a.page, 'said as the line died');
      await messageItem(b.page, 'said as the line died').waitFor();
      await hasText(sending, 'said as the line died');
      await hasCount(messageItem(a.page, 'said as the line died'), 0);

      relay.cut();
      await hasText(a.page.getByRole('status'), 'Reconnecting…');
      await sendMessage(a.page, 'typed while cut off');
      await hasCount(sending, 2);
      await hasCount(messageItem(b.page, 'typed while cut off'), 0);

      relay.restore();
      await connected(a.page);
      await hasCount(sending, 0);
      // Messages reach Bob in order: once this one is there, any second copy would be too.
      await sendMessage(a.page, 'back again');
      await messageItem(b.page, 'back again').waitFor();
      for (const text of ['said as the line died', 'typed while cut off']) {
        await hasCount(messageItem(a.page, text), 1);
        await hasCount(messageItem(b.page, text), 1);
        expect((await stored(text))[0].n).toBe(1);
      }
    } finally {
      await relay.close();
    }
  });

  it('reloads the newest messages after missing more than a resume replays', async () => {
    const a = await open(alice);
    await a.context.setOffline(true);
    await hasText(a.page.getByRole('status'), 'Offline');
    // More than RESUME_MAX_MESSAGES (1,000 by default) while the page was away: the first
    // thousand written straight into the table (quicker than sending them), the last one sent,
    // as every message is, so the server hears that the room changed.
    await t.db.query(
      `INSERT INTO messages (user_id, text) SELECT $1, 'while away ' || n FROM generate_series(1, 1000) n`,
      [bob.id],
    );
    await t.http
      .post('/api/v1/rooms/1/messages')
      .set('Authorization', `Bearer ${bob.token}`)
      .send({ text: 'while away 1001' })
      .expect(201);
    await a.context.setOffline(false);
    await connected(a.page);
    await hasCount(messageItem(a.page, 'while away 1001'), 1);
    await hasCount(a.page.getByRole('log').locator('li.message'), 50);
  });

  it('renames, changes the password, and deletes the account after a confirmation', async () => {
    const user = await createUser(t, uniqueName('leaver'));
    const chat = await open(user);
    const { page } = chat;
    await sendMessage(page, 'goodbye everyone');
    await messageItem(page, 'goodbye everyone').waitFor();

    await page.getByRole('button', { name: 'Profile' }).click();
    const newName = uniqueName('renamed');
    await page.getByLabel('Name', { exact: true }).fill(newName);
    await page.getByRole('button', { name: 'Rename' }).click();
    await hasText(page.locator('.me'), newName);
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('short');
    await page.getByRole('button', { name: 'Change' }).click();
    await hasText(dialogStatus(chat), /password must be/);
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change' }).click();
    await hasText(dialogStatus(chat), 'Password changed');

    await page.getByRole('button', { name: 'Delete account' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(chat.dialogs).toEqual([expect.stringContaining('Delete your account?')]);
    const other = await open(alice);
    await hasText(
      messageItem(other.page, 'goodbye everyone').locator('.author'),
      `Deleted #${user.id}`,
    );
  });
});
