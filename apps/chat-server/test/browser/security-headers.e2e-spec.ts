import { Browser, Page } from 'playwright-core';
import { startTestApp, TEST_ADMIN, TestApp } from '../support/test-app';
import { launchBrowser } from './browser';

/**
 * A page with a record of every Content-Security-Policy violation and script error it had (not of
 * failed loads: this network resolves no outside host, such as AdminJS's Google font).
 */
async function watchedPage(browser: Browser): Promise<{ page: Page; problems: string[] }> {
  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (
      message.type() === 'error' &&
      /Content Security Policy|CSP violation/.test(message.text())
    ) {
      problems.push(message.text());
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  // Reported by the page itself, including violations the console does not show.
  await page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI))`,
  });
  return { page, problems };
}

describe('the security headers in a real browser', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('let the AdminJS panel log in and render with no violation', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${t.baseUrl}/admin/login`);
    await page.locator('input[name=email]').fill(TEST_ADMIN.name);
    await page.locator('input[name=password]').fill(TEST_ADMIN.password);
    await page.locator('button').first().click();
    await page.waitForURL(`${t.baseUrl}/admin`);
    await page.goto(`${t.baseUrl}/admin/resources/User`);
    await page.getByText(TEST_ADMIN.name).first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });

  it('let Swagger UI render the API reference with no violation', async () => {
    const { page, problems } = await watchedPage(browser);
    await page.goto(`${t.baseUrl}/docs`);
    await page.locator('.opblock').first().waitFor();
    expect(problems).toEqual([]);
    await page.close();
  });
});
