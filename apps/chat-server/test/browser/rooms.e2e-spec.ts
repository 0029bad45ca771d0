import { Browser, Page } from 'playwright-core';
import { bearer, createUser, TestUser, uniqueName } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import {
  ChatPage,
  createRoom,
  goToRoom,
  hasCount,
  hasText,
  launchBrowser,
  messageItem,
  openClient,
  roomInAddress,
  roomLink,
  scrollTop,
  sendMessage,
  signIn,
  switchRoom,
  waitUntil,
} from './browser';

/** Rooms, direct messages and the public directory in the web client, with three users at once. */
describe('rooms in the web client', () => {
  let t: TestApp;
  let browser: Browser;
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  const pages: ChatPage[] = [];

  const open = async (user: TestUser) => {
    const chat = await openClient(browser, t.baseUrl);
    pages.push(chat);
    await signIn(chat, user);
    return chat;
  };
  const notice = (page: Page) => page.locator('p.notice');
  const searchDirectory = async (page: Page, q: string) => {
    await page.getByRole('button', { name: 'Find rooms' }).click();
    const dialog = page.getByRole('dialog', { name: 'Public rooms' });
    await dialog.getByLabel('Search public rooms').fill(q);
    await dialog.getByRole('button', { name: 'Search', exact: true }).click();
    return dialog;
  };

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

  it('lets the owner of a private room add a member and chat there live, unseen by anyone else', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const c = await open(carol);
    const name = uniqueName('hideout');
    const roomId = await createRoom(a.page, { name, kind: 'private', topic: 'just us' });
    await hasText(a.page.locator('.room-header .topic'), 'just us');

    await a.page.getByRole('button', { name: /^Members/ }).click();
    const members = a.page.getByRole('dialog', { name: `Members of ${name}` });
    await members.getByLabel('Add a member by name').fill(bob.name);
    await members.getByRole('button', { name: 'Add member' }).click();
    await hasText(members.getByRole('status'), 'Member added');
    await hasCount(members.getByRole('listitem').filter({ hasText: bob.name }), 1);
    await members.getByRole('button', { name: 'Done' }).click();

    // Bob is told at once, without reloading.
    await switchRoom(b.page, name);
    await sendMessage(a.page, 'only for bob');
    await messageItem(b.page, 'only for bob').waitFor();
    await sendMessage(b.page, 'only for alice');
    await messageItem(a.page, 'only for alice').waitFor();

    // Carol: not in her list, not in the directory, "not found" by address and by API.
    await hasCount(roomLink(c.page, name), 0);
    const directory = await searchDirectory(c.page, name);
    await hasText(directory.getByRole('status'), 'No public room matches');
    await hasCount(directory.getByRole('listitem'), 0);
    await directory.getByRole('button', { name: 'Done' }).click();
    await goToRoom(c, t.baseUrl, roomId);
    await hasText(notice(c.page), 'Room not found');
    await hasText(c.page.locator('#room-title'), 'general');
    await hasCount(messageItem(c.page, 'only for bob'), 0);
    await t.http
      .get(`/api/v1/rooms/${roomId}`)
      .set(...bearer(carol))
      .expect(404);
    await t.http
      .get(`/api/v1/rooms/${roomId}/messages`)
      .set(...bearer(carol))
      .expect(404);
    expect(
      (
        await t.http
          .get('/api/v1/rooms')
          .set(...bearer(carol))
          .expect(200)
      ).body,
    ).not.toEqual(expect.arrayContaining([expect.objectContaining({ id: roomId })]));
  });

  it('opens a direct conversation from an author name; both sides chat live and nobody else sees it', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const c = await open(carol);
    await sendMessage(b.page, 'write to me directly');
    const fromBob = messageItem(a.page, 'write to me directly');
    await fromBob.getByRole('button', { name: bob.name }).click();
    await fromBob.getByRole('button', { name: 'Message', exact: true }).click();
    await hasText(a.page.locator('#room-title'), `Direct message with ${bob.name}`);
    await sendMessage(a.page, 'a word in private');
    await messageItem(a.page, 'a word in private').waitFor();

    // Bob is still in general: the conversation appears with its unread count, then the message.
    const atBob = roomLink(b.page, alice.name);
    await hasText(atBob.locator('.unread'), '1 unread');
    await switchRoom(b.page, alice.name);
    await messageItem(b.page, 'a word in private').waitFor();
    await hasCount(atBob.locator('.unread'), 0);
    await sendMessage(b.page, 'a private answer');
    await messageItem(a.page, 'a private answer').waitFor();

    const roomId = roomInAddress(a.page);
    await hasCount(c.page.getByRole('list', { name: 'Direct messages' }).getByRole('link'), 0);
    await goToRoom(c, t.baseUrl, roomId);
    await hasText(notice(c.page), 'Room not found');
    await t.http
      .get(`/api/v1/rooms/${roomId}`)
      .set(...bearer(carol))
      .expect(404);
    await t.http
      .get(`/api/v1/rooms/${roomId}/members`)
      .set(...bearer(carol))
      .expect(404);
  });

  it('finds a public room in the directory; joining shows its history and then live messages', async () => {
    const a = await open(alice);
    const name = uniqueName('book club');
    await createRoom(a.page, { name, kind: 'public', topic: 'this month: Dune' });
    await sendMessage(a.page, 'said before carol came');
    await messageItem(a.page, 'said before carol came').waitFor();

    const c = await open(carol);
    await hasCount(roomLink(c.page, name), 0);
    const directory = await searchDirectory(c.page, name.slice(0, 8));
    const found = directory.getByRole('listitem').filter({ hasText: name });
    await hasText(found.locator('.topic'), 'this month: Dune');
    await found.getByRole('button', { name: 'Join' }).click();
    await hasText(c.page.locator('#room-title'), name);
    await messageItem(c.page, 'said before carol came').waitFor();
    await roomLink(c.page, name).waitFor();

    await sendMessage(a.page, 'said after carol came');
    await messageItem(c.page, 'said after carol came').waitFor();
    await hasText(a.page.getByRole('button', { name: /^Members/ }), 'Members (2)');
  });

  it('keeps each room’s history and scroll position when switching rooms, and counts what came meanwhile', async () => {
    const a = await open(alice);
    const name = uniqueName('archive');
    const roomId = await createRoom(a.page, { name, kind: 'public' });
    await t.db.query(
      `INSERT INTO messages (user_id, room_id, text)
         SELECT $1, $2, 'history ' || n FROM generate_series(1, 120) n`,
      [alice.id, roomId],
    );
    await a.page.reload();
    await hasText(a.page.locator('#room-title'), name);
    const list = a.page.getByRole('log');
    await hasCount(list.locator('li.message'), 50);
    await list.hover();
    await a.page.mouse.wheel(0, -100_000);
    await hasCount(list.locator('li.message'), 100);
    await a.page.mouse.wheel(0, 300);
    const scrolled = await scrollTop(list);
    expect(scrolled).toBeGreaterThan(0);

    await switchRoom(a.page, 'general');
    await sendMessage(a.page, 'meanwhile in general');
    await messageItem(a.page, 'meanwhile in general').waitFor();
    const b = await open(bob);
    await goToRoom(b, t.baseUrl, roomId);
    await b.page.getByRole('button', { name: `Join ${name}` }).click();
    await sendMessage(b.page, 'while alice was away');
    await hasText(roomLink(a.page, name).locator('.unread'), '1 unread');

    const pages: string[] = [];
    a.page.on('request', (request) => {
      if (request.url().includes(`/rooms/${roomId}/messages`)) pages.push(request.url());
    });
    await switchRoom(a.page, name);
    await hasCount(list.locator('li.message'), 101);
    await messageItem(a.page, 'while alice was away').waitFor();
    expect(await scrollTop(list)).toBe(scrolled);
    // Scrolled up, she has not seen it yet (at the end of the list she has: below).
    await hasText(roomLink(a.page, name).locator('.unread'), '1 unread');

    await switchRoom(a.page, 'general');
    await messageItem(a.page, 'meanwhile in general').waitFor();
    await switchRoom(a.page, name);
    await hasCount(list.locator('li.message'), 101);
    expect(pages).toEqual([]);
    await waitUntil(
      () => scrollTop(list),
      (top) => top === scrolled,
      'the scroll position',
    );
    await list.hover();
    await a.page.mouse.wheel(0, 100_000);
    await hasCount(roomLink(a.page, name).locator('.unread'), 0);
  });

  it('lets the owner rename, set the topic, remove a member and archive; an archived room is read-only', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const c = await open(carol);
    const name = uniqueName('project');
    const roomId = await createRoom(a.page, { name, kind: 'public' });
    for (const [chat, user] of [
      [b, bob],
      [c, carol],
    ] as const) {
      await t.http
        .post(`/api/v1/rooms/${roomId}/join`)
        .set(...bearer(user))
        .expect(201);
      await switchRoom(chat.page, name);
    }
    await hasCount(b.page.getByRole('button', { name: 'Room settings' }), 0);

    await a.page.getByRole('button', { name: 'Room settings' }).click();
    const settings = a.page.getByRole('dialog', { name: 'Room settings' });
    const renamed = uniqueName('renamed project');
    await settings.getByLabel('Room name').fill(renamed);
    await settings.getByLabel('Topic').fill('ship it');
    await settings.getByRole('button', { name: 'Save changes' }).click();
    await hasText(settings.getByRole('status'), 'Saved');
    await settings.getByRole('button', { name: 'Done' }).click();
    await hasText(b.page.locator('#room-title'), renamed);
    await hasText(b.page.locator('.room-header .topic'), 'ship it');
    await roomLink(b.page, renamed).waitFor();

    await a.page.getByRole('button', { name: /^Members/ }).click();
    const members = a.page.getByRole('dialog', { name: `Members of ${renamed}` });
    await members.getByRole('button', { name: `Remove ${carol.name}` }).click();
    await hasText(members.getByRole('status'), 'Member removed');
    await hasCount(members.getByRole('listitem').filter({ hasText: carol.name }), 0);
    await members.getByRole('button', { name: 'Done' }).click();
    await hasText(notice(c.page), `You were removed from ${renamed}`);
    await hasText(c.page.locator('#room-title'), 'general');
    await hasCount(roomLink(c.page, renamed), 0);

    await sendMessage(b.page, 'before the archive');
    await messageItem(a.page, 'before the archive').waitFor();
    await a.page.getByRole('button', { name: 'Room settings' }).click();
    await settings.getByRole('button', { name: 'Archive room' }).click();
    expect(a.dialogs).toEqual([expect.stringContaining(`Archive ${renamed}?`)]);
    for (const page of [a.page, b.page]) {
      await page.getByText('This room is archived: it is read-only.').waitFor();
      await page.getByLabel('Message', { exact: true }).waitFor({ state: 'hidden' });
      await hasCount(page.getByRole('button', { name: 'Room settings' }), 0);
      const said = messageItem(page, 'before the archive');
      await said.waitFor();
      await hasCount(said.getByRole('button', { name: /^(Edit|Delete)$/ }), 0);
    }
  });

  it('leaves a room: it goes from the list and nothing more of it arrives', async () => {
    const a = await open(alice);
    const b = await openClient(browser, t.baseUrl);
    pages.push(b);
    const frames: { type: string; room_id?: number }[] = [];
    b.page.on('websocket', (socket) =>
      socket.on('framereceived', (frame) => frames.push(JSON.parse(String(frame.payload)))),
    );
    await signIn(b, bob);
    const name = uniqueName('passing');
    const roomId = await createRoom(a.page, { name, kind: 'public' });
    await t.http
      .post(`/api/v1/rooms/${roomId}/join`)
      .set(...bearer(bob))
      .expect(201);
    await switchRoom(b.page, name);
    await b.page.getByRole('button', { name: 'Leave room' }).click();
    expect(b.dialogs).toEqual([`Leave ${name}?`]);
    await waitUntil(
      async () => frames.map((frame) => frame.type),
      (types) => types.includes('room.removed'),
      'the frames bob received',
    );
    const left = frames.length;
    await hasText(b.page.locator('#room-title'), 'general');
    await hasCount(roomLink(b.page, name), 0);
    await hasText(a.page.getByRole('button', { name: /^Members/ }), 'Members (1)');
    await sendMessage(a.page, 'anyone still here?');
    await messageItem(a.page, 'anyone still here?').waitFor();
    await sendMessage(a.page, 'guess not');
    await messageItem(a.page, 'guess not').waitFor();
    await sendMessage(b.page, 'bob in general');
    await messageItem(b.page, 'bob in general').waitFor();
    expect(frames.slice(left).filter((frame) => frame.room_id === roomId)).toEqual([]);
    await hasCount(roomLink(b.page, name), 0);
  });

  it('resumes every room after a reconnect: what came to a room not on screen is counted and shown once', async () => {
    const a = await open(alice);
    const b = await open(bob);
    const name = uniqueName('night shift');
    const roomId = await createRoom(a.page, { name, kind: 'private' });
    await t.http
      .post(`/api/v1/rooms/${roomId}/members`)
      .set(...bearer(alice))
      .send({ user_id: bob.id })
      .expect(201);
    await roomLink(b.page, name).waitFor();

    await b.context.setOffline(true);
    await hasText(b.page.getByRole('status'), 'Offline');
    const missed = ['while bob slept 1', 'while bob slept 2'];
    for (const text of missed) {
      await sendMessage(a.page, text);
      await messageItem(a.page, text).waitFor();
    }
    await b.context.setOffline(false);
    await hasText(b.page.getByRole('status'), 'Connected');
    await hasText(roomLink(b.page, name).locator('.unread'), '2 unread');
    await switchRoom(b.page, name);
    for (const text of missed) await hasCount(messageItem(b.page, text), 1);
  });
});
