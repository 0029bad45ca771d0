import { Browser, Page } from 'playwright-core';
import {
  bearer,
  createUser,
  createUserWithRole,
  loginAdmin,
  TestUser,
  uniqueName,
} from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { roomsApi } from '../support/v2-rooms';
import {
  ChatPage,
  goToRoom,
  hasCount,
  hasText,
  launchBrowser,
  messageItem,
  openClient,
  roomLink,
  sendMessage,
  signIn,
  switchRoom,
  waitUntil,
} from './browser';

const GENERAL = 1;
const MODERATOR = 2;

/**
 * Moderation in the web client: reporting a message and a moderator deleting it from the report
 * queue; a moderator banning someone from their name; a room owner muting and kicking a member.
 */
describe('moderation in the web client', () => {
  let t: TestApp;
  let browser: Browser;
  let moderator: TestUser;
  let rooms: ReturnType<typeof roomsApi>;
  const pages: ChatPage[] = [];

  const open = async (user: TestUser) => {
    const chat = await openClient(browser, t.baseUrl);
    pages.push(chat);
    await signIn(chat, user);
    return chat;
  };
  const post = (by: TestUser, roomId: number, text: string) =>
    t.http
      .post(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(by))
      .send({ text })
      .expect(201);
  const notice = (page: Page) => page.locator('p.notice');
  /** Opens the menu of a name on a message (or in a list) and picks an action in it. */
  const pickOnName = async (scope: ReturnType<Page['locator']>, name: string, action: string) => {
    await scope.getByRole('button', { name, exact: true }).click();
    await scope.getByRole('button', { name: action, exact: true }).click();
  };
  /** A public room of the owner's, with the member in it. */
  const roomWith = async (owner: TestUser, member: TestUser) => {
    const name = uniqueName('lounge');
    const roomId = await rooms.create(owner, 'public', name);
    await rooms.join(roomId, member);
    return { roomId, name };
  };

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchBrowser();
    rooms = roomsApi(t);
    moderator = await createUserWithRole(t, await loginAdmin(t), MODERATOR, uniqueName('mod'));
  });
  afterEach(async () => {
    for (const chat of pages.splice(0)) await chat.context.close();
  });
  afterAll(async () => {
    await browser?.close();
    await t.close();
  });

  it("reports another's message; a moderator deletes it from the queue and it goes from the reporter's screen", async () => {
    const [alice, bob] = [await createUser(t, uniqueName('alice')), await createUser(t)];
    const a = await open(alice);
    const text = `a rude remark ${uniqueName('r')}`;
    await post(bob, GENERAL, text);
    await sendMessage(a.page, 'my own words');
    await messageItem(a.page, 'my own words').waitFor();
    await hasCount(messageItem(a.page, 'my own words').getByRole('button', { name: 'Report' }), 0);
    await hasCount(a.page.getByRole('button', { name: 'Reports' }), 0);

    const report = async () => {
      await messageItem(a.page, text).getByRole('button', { name: 'Report' }).click();
      const dialog = a.page.getByRole('dialog', { name: 'Report message' });
      await dialog.getByLabel('Reason').fill('insulting');
      await dialog.getByRole('button', { name: 'Report', exact: true }).click();
      return dialog;
    };
    const first = await report();
    await hasText(first.getByRole('status'), 'Reported');
    await first.getByRole('button', { name: 'Close' }).click();
    const again = await report();
    await hasText(again.getByRole('status'), 'You have reported this message already');
    await again.getByRole('button', { name: 'Cancel' }).click();

    const m = await open(moderator);
    await m.page.getByRole('button', { name: 'Reports' }).click();
    const queue = m.page.getByRole('dialog', { name: 'Reports' });
    const item = queue.getByRole('listitem').filter({ hasText: text });
    await hasText(item, new RegExp(`Reported by ${alice.name}: insulting`));
    await hasText(item, new RegExp(`^${bob.name} in general`));
    await item.getByRole('button', { name: 'Delete message' }).click();
    await hasText(queue.getByRole('status'), /^Message deleted, report resolved/);
    await hasCount(item, 0);

    await hasCount(messageItem(a.page, text), 0);
    await t.http
      .get('/api/v1/moderation/reports')
      .set(...bearer(moderator))
      .expect(200)
      .expect(({ body }) => {
        expect(body.reports.map((r: { message_text: string }) => r.message_text)).not.toContain(
          text,
        );
      });
  });

  it('a moderator bans a user from their name: their open page says so, stops, and sign-in is refused', async () => {
    const bob = await createUser(t, uniqueName('bob'));
    const b = await open(bob);
    let sockets = 0;
    b.page.on('websocket', () => (sockets += 1));
    await hasText(b.page.locator('.connection'), 'Connected');
    const m = await open(moderator);
    const text = `buy cheap watches ${uniqueName('w')}`;
    await sendMessage(b.page, text);
    const onModerator = messageItem(m.page, text);
    await onModerator.waitFor();

    await pickOnName(onModerator, bob.name, 'Ban…');
    const dialog = m.page.getByRole('dialog', { name: `Ban ${bob.name}` });
    await dialog.getByLabel('Reason').fill('spam');
    await dialog.getByLabel('For', { exact: true }).selectOption({ label: '1 day' });
    await dialog.getByRole('button', { name: 'Ban', exact: true }).click();
    await hasText(dialog.getByRole('status'), `${bob.name} is banned`);

    const banned = /^You have been banned: Banned until \d{4}-\d\d-\d\dT[\d:.]+Z: spam$/;
    await hasText(b.page.getByRole('alert'), banned);
    await hasCount(b.page.getByLabel('Message', { exact: true }), 0);
    // Reconnecting would open another socket within the first backoff (half a second at most).
    await b.page.waitForTimeout(1_500);
    expect(sockets).toBe(0);

    await b.page.getByLabel('Name').fill(bob.name);
    await b.page.getByLabel('Password').fill(bob.password);
    await b.page.getByRole('button', { name: 'Log in' }).click();
    await hasText(b.page.getByRole('alert'), /^Banned until .+: spam$/);
    expect(sockets).toBe(0);
  });

  it("a room owner mutes a member there: the member's send is refused with the server's words", async () => {
    const [alice, bob] = [await createUser(t, uniqueName('alice')), await createUser(t)];
    const { name } = await roomWith(alice, bob);
    const a = await open(alice);
    const b = await open(bob);
    await switchRoom(a.page, name);
    await switchRoom(b.page, name);
    await sendMessage(a.page, 'welcome');
    await sendMessage(b.page, 'off topic again');
    const onOwner = messageItem(a.page, 'off topic again');
    await onOwner.waitFor();

    // A member is offered no moderation on the owner's name.
    await messageItem(b.page, 'welcome').getByRole('button', { name: alice.name }).click();
    const offered = messageItem(b.page, 'welcome').locator('.user-menu button');
    await hasCount(offered, 1);
    await hasText(offered, 'Message');

    await pickOnName(onOwner, bob.name, 'Mute in this room…');
    const dialog = a.page.getByRole('dialog', { name: `Mute ${bob.name} in ${name}` });
    await dialog.getByLabel('Reason').fill('off topic');
    await dialog.getByLabel('For', { exact: true }).selectOption({ label: '1 hour' });
    await dialog.getByRole('button', { name: 'Mute', exact: true }).click();
    await hasText(dialog.getByRole('status'), `${bob.name} is muted in ${name}`);
    await dialog.getByRole('button', { name: 'Close' }).click();

    await sendMessage(b.page, 'can I still talk');
    await hasText(notice(b.page), /^You are muted in this room until \d{4}-.+Z$/);
    await hasCount(b.page.locator('ol.pending li'), 0);
    await hasCount(messageItem(b.page, 'can I still talk'), 0);
    await waitUntil(
      () => b.page.getByLabel('Message', { exact: true }).inputValue(),
      (value) => value === 'can I still talk',
      'the refused text back in the composer',
    );
    await sendMessage(a.page, 'the owner still talks');
    await messageItem(b.page, 'the owner still talks').waitFor();
    await hasCount(messageItem(a.page, 'can I still talk'), 0);
  });

  it('a room owner kicks and bans a member, who loses the room at once and cannot join again', async () => {
    const [alice, bob] = [await createUser(t, uniqueName('alice')), await createUser(t)];
    const { roomId, name } = await roomWith(alice, bob);
    const a = await open(alice);
    const b = await open(bob);
    await switchRoom(a.page, name);
    await switchRoom(b.page, name);

    await a.page.getByRole('button', { name: /^Members/ }).click();
    const members = a.page.getByRole('dialog', { name: `Members of ${name}` });
    const bobInList = members.getByRole('listitem').filter({ hasText: bob.name });
    await pickOnName(bobInList, bob.name, 'Kick…');
    const dialog = a.page.getByRole('dialog', { name: `Kick ${bob.name} from ${name}` });
    await dialog.getByLabel('Reason').fill('rude');
    expect(await dialog.getByLabel('Banned from the room for').isHidden()).toBe(true);
    await dialog.getByLabel('and ban from the room').check();
    await dialog.getByLabel('Banned from the room for').selectOption({ label: '7 days' });
    await dialog.getByRole('button', { name: 'Kick', exact: true }).click();
    await hasText(dialog.getByRole('status'), `${bob.name} is removed and banned from ${name}`);
    await dialog.getByRole('button', { name: 'Close' }).click();
    await hasCount(bobInList, 0);

    await hasCount(roomLink(b.page, name), 0);
    await hasText(notice(b.page), `You were removed from ${name}`);
    await hasText(b.page.locator('#room-title'), 'general');
    await goToRoom(b, t.baseUrl, roomId);
    await b.page.getByRole('button', { name: `Join ${name}` }).click();
    await hasText(notice(b.page), /^Banned from this room until .+: rude$/);
    await hasCount(roomLink(b.page, name), 0);
  });
});
