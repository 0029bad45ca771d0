import { Browser } from 'playwright-core';
import { createUser, uniqueName } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { hasCount, hasText, launchBrowser, openClient, sendMessage, signIn } from './browser';

describe('the web client under the message rate limit', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    // One message a second, no burst: a second message sent at once is held back.
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '1', MESSAGE_RATE_BURST: '1' });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it('shows a held-back message as pending with the reason, then sends each once in order', async () => {
    const user = await createUser(t, uniqueName('hasty'));
    const chat = await openClient(browser, t.baseUrl);
    await signIn(chat, user);
    const { page } = chat;
    const sending = page.getByRole('list', { name: 'Sending' }).getByRole('listitem');
    const texts = ['hasty 1', 'hasty 2', 'hasty 3'];

    for (const text of texts) await sendMessage(page, text);
    await hasText(sending.filter({ hasText: 'hasty 2' }), 'hasty 2 — Rate limit exceeded');
    await hasText(sending.filter({ hasText: 'hasty 3' }), 'hasty 3');

    await hasCount(sending, 0);
    await hasCount(page.getByRole('log').locator('li.message'), 3);
    expect(await page.getByRole('log').locator('li.message p.text').allTextContents()).toEqual(
      texts,
    );
    const stored = await t.db.query('SELECT text FROM messages WHERE user_id = $1 ORDER BY id', [
      user.id,
    ]);
    expect(stored.map((row: { text: string }) => row.text)).toEqual(texts);
  });
});
