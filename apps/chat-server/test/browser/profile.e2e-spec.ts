import { Browser } from 'playwright-core';
import { createUser, login, PASSWORD, TestUser, uniqueName } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { ChatPage, hasText, launchBrowser, openClient, signIn } from './browser';

describe('the profile dialog of the web client', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  async function openProfile(user: TestUser): Promise<ChatPage> {
    const chat = await openClient(browser, t.baseUrl);
    await signIn(chat, user);
    await chat.page.getByRole('button', { name: 'Profile' }).click();
    return chat;
  }

  const dialogStatus = (chat: ChatPage) => chat.page.getByRole('dialog').getByRole('status');

  it('changes the password only with the current one', async () => {
    const user = await createUser(t, uniqueName('careful'));
    const chat = await openProfile(user);
    const { page } = chat;

    await page.getByLabel('Current password').fill('not my password');
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change' }).click();
    await hasText(dialogStatus(chat), 'Invalid credentials');
    await login(t, user.name, PASSWORD);

    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByLabel('New password').fill('a brand new password');
    await page.getByRole('button', { name: 'Change' }).click();
    await hasText(dialogStatus(chat), 'Password changed');
    await login(t, user.name, 'a brand new password');
    await t.http.post('/user/login').send({ name: user.name, password: PASSWORD }).expect(409);
    await chat.context.close();
  });

  it('renames through the Bearer route and shows the new name', async () => {
    const user = await createUser(t, uniqueName('renaming'));
    const chat = await openProfile(user);
    const requests: string[] = [];
    chat.page.on('request', (request) =>
      requests.push(`${request.method()} ${new URL(request.url()).pathname}`),
    );
    const name = uniqueName('renamed');
    await chat.page.getByLabel('Name', { exact: true }).fill(name);
    await chat.page.getByRole('button', { name: 'Rename' }).click();
    await hasText(dialogStatus(chat), 'Name changed');
    await hasText(chat.page.locator('.me'), name);
    expect(requests).toContain('PATCH /api/v1/me');
    expect(requests).not.toContain('PATCH /user/update');
    await chat.context.close();
  });
});
