import { errorFrame } from '@chat/protocol';
import { ChatClient } from './chat-client';
import { ChatApiError, ChatSocketError } from './errors';
import { ChatHttp, FetchLike } from './http';
import { clientOf, outcome, recorded, settle, wait } from './testing/client-harness';
import { FakeChatServer } from './testing/fake-chat-server';

const OWNER = 7;
const MEMBER = 8;
const MODERATOR = 9;
const ADMIN = 10;
const HOUR = 3_600_000;
let server: FakeChatServer;
let clients: ChatClient[];

beforeEach(() => {
  jest.useFakeTimers({ now: Date.parse('2030-01-01T00:00:00.000Z') });
  server = new FakeChatServer();
  server.addRoom(1, [OWNER, MEMBER, MODERATOR]);
  server.addRoom(2, [MEMBER]);
  server.moderation.own(1, OWNER);
  server.setRole(MODERATOR, 2);
  server.setRole(ADMIN, 3);
  clients = [];
});

afterEach(() => {
  clients.forEach((client) => client.close());
  jest.useRealTimers();
});

function clientOfUser(userId: number): ChatClient {
  const client = clientOf(server, server.token(userId));
  clients.push(client);
  return client;
}

async function refusal(promise: Promise<unknown>): Promise<ChatApiError> {
  const error = await promise.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ChatApiError);
  return error as ChatApiError;
}

describe('a site ban', () => {
  it('ends the session with the detail and never reconnects', async () => {
    const member = clientOfUser(MEMBER);
    const ended = recorded(member, 'session.ended');
    const states = recorded(member, 'state');
    await member.connect();
    const until = new Date(Date.now() + HOUR);

    const ban = await clientOfUser(MODERATOR).http.ban({ user_id: MEMBER, reason: 'spam', until });
    await settle();

    expect(ban).toMatchObject({ user_id: MEMBER, actor_id: MODERATOR, reason: 'spam' });
    expect(ban.until).toBe(until.toISOString());
    const detail = `Banned until ${until.toISOString()}: spam`;
    expect(ended).toEqual([{ code: 'banned', detail }]);
    expect(member.state).toBe('closed');
    await wait(10 * 60_000);
    expect(server.sockets).toHaveLength(1);
    expect(states.at(-1)).toBe('closed');
    expect(ended).toHaveLength(1);
  });

  it('rejects a connect() still waiting with the ban', async () => {
    const member = clientOfUser(MEMBER);
    // Banned while signing in: the notice comes before any answer to auth.
    server.beforeFrame = (socket, frame) => {
      if (frame.type !== 'auth') return;
      socket.deliver(errorFrame(undefined, 'banned', 'Banned permanently: spam'));
      socket.closeFromServer(1008, 'Banned');
    };
    const connected = outcome(member.connect());
    await settle();
    expect(connected).toEqual({
      state: 'rejected',
      value: new ChatSocketError('banned', 'Banned permanently: spam'),
    });
    expect((connected.value as ChatSocketError).code).toBe('banned');
  });

  it('is refused to a plain user and to a moderator on a moderator, lifted by unban', async () => {
    const user = clientOfUser(OWNER).http;
    expect(await refusal(user.ban({ user_id: MEMBER, reason: 'x' }))).toMatchObject({
      status: 403,
      message: 'Only moderators and admins do this',
    });
    const moderator = clientOfUser(MODERATOR).http;
    server.setRole(MEMBER, 2);
    expect(await refusal(moderator.ban({ user_id: MEMBER, reason: 'x' }))).toMatchObject({
      status: 403,
      message: 'Only an admin acts on a moderator or an admin',
    });
    await clientOfUser(ADMIN).http.ban({ user_id: MEMBER, reason: 'x' });
    await expect(moderator.bans()).resolves.toEqual([
      expect.objectContaining({ user_id: MEMBER, until: null }),
    ]);
    await clientOfUser(ADMIN).http.unban(MEMBER);
    expect(await refusal(clientOfUser(ADMIN).http.unban(MEMBER))).toMatchObject({ status: 404 });
  });

  it('refuses a bad reason or an end in the past with 422 naming the field', async () => {
    const moderator = clientOfUser(MODERATOR).http;
    const blank = await refusal(moderator.ban({ user_id: MEMBER, reason: '   ' }));
    expect(blank).toMatchObject({ status: 422, detail: [{ field: 'reason' }] });
    const past = await refusal(
      moderator.ban({ user_id: MEMBER, reason: 'x', until: new Date(Date.now() - 1) }),
    );
    expect(past).toMatchObject({ status: 422, message: 'until must be in the future' });
    expect(clientOfUser(MEMBER).state).toBe('idle');
  });
});

describe('a mute', () => {
  it("refuses the member's sends in that room with the server's detail, then lifts", async () => {
    const member = clientOfUser(MEMBER);
    await member.connect();
    const until = new Date(Date.now() + HOUR).toISOString();
    const mute = await clientOfUser(OWNER).http.mute({
      user_id: MEMBER,
      room_id: 1,
      reason: 'off topic',
      until,
    });
    expect(mute).toMatchObject({ id: expect.any(Number), room_id: 1, until });

    const refused = outcome(member.send(1, 'still talking'));
    await settle();
    expect(refused).toEqual({
      state: 'rejected',
      value: new ChatSocketError('forbidden', `You are muted in this room until ${until}`),
    });
    expect(member.pending(1)).toEqual([]);
    expect(server.stored(1)).toEqual([]);
    await expect(member.send(2, 'elsewhere')).resolves.toMatchObject({ room_id: 2 });

    await clientOfUser(OWNER).http.unmute(mute.id);
    await expect(member.send(1, 'back')).resolves.toMatchObject({ room_id: 1 });
  });

  it('everywhere is for moderators; a room mute is for its owner; a member may do neither', async () => {
    const member = clientOfUser(MEMBER).http;
    expect(await refusal(member.mute({ user_id: OWNER, room_id: 1, reason: 'x' }))).toMatchObject({
      status: 403,
    });
    expect(
      await refusal(clientOfUser(OWNER).http.mute({ user_id: MEMBER, reason: 'x' })),
    ).toMatchObject({ status: 403, message: 'Only moderators and admins do this' });
    const everywhere = await clientOfUser(MODERATOR).http.mute({ user_id: MEMBER, reason: 'x' });
    expect(everywhere.room_id).toBeNull();
    await expect(clientOfUser(MODERATOR).http.mutes(MEMBER)).resolves.toEqual([everywhere]);
  });
});

describe('a kick', () => {
  it('takes the room from the member at once; with ban, until the room ban is lifted', async () => {
    const member = clientOfUser(MEMBER);
    const removed = recorded(member, 'room.removed');
    await member.connect();

    const owner = clientOfUser(OWNER).http;
    const result = await owner.kick({ room_id: 1, user_id: MEMBER, reason: 'rude', ban: true });
    await settle();

    expect(result).toEqual({ removed: true, banned: true });
    expect(removed).toEqual([expect.objectContaining({ room_id: 1, reason: 'removed' })]);
    await owner.liftRoomBan(1, MEMBER);
    expect(await refusal(owner.liftRoomBan(1, MEMBER))).toMatchObject({
      status: 404,
      message: 'This user is not banned from the room',
    });
    expect(await refusal(owner.kick({ room_id: 1, user_id: MEMBER, reason: 'x' }))).toMatchObject({
      status: 404,
    });
  });
});

describe('reports', () => {
  it('a member reports once; a moderator finds it in the queue and deletes the message', async () => {
    const owner = clientOfUser(OWNER);
    const deleted = recorded(owner, 'message.deleted');
    await owner.connect();
    const message = server.post(MEMBER, 1, 'a rude remark');
    const ownMessage = server.post(OWNER, 1, 'mine');

    const report = await owner.http.reportMessage(message.message_id, ' rude ');
    expect(report).toMatchObject({
      message_id: message.message_id,
      room_id: 1,
      author_id: MEMBER,
      message_text: 'a rude remark',
      reporter_id: OWNER,
      reason: 'rude',
      status: 'open',
    });
    expect(await refusal(owner.http.reportMessage(message.message_id, 'again'))).toMatchObject({
      status: 409,
      message: 'You have reported this message already',
    });
    expect(await refusal(owner.http.reportMessage(ownMessage.message_id, 'x'))).toMatchObject({
      status: 409,
    });
    server.refuseNextRequest(
      `POST /api/v1/messages/${ownMessage.message_id}/reports`,
      429,
      'Too many reports; retry after a while',
    );
    expect(await refusal(owner.http.reportMessage(ownMessage.message_id, 'x'))).toMatchObject({
      status: 429,
      message: 'Too many reports; retry after a while',
    });
    expect(await refusal(owner.http.reports())).toMatchObject({ status: 403 });

    const moderator = clientOfUser(MODERATOR).http;
    await expect(moderator.reports()).resolves.toEqual({ reports: [report], next_cursor: null });
    const resolved = await moderator.resolveReport(report.id, {
      note: 'removed',
      delete_message: true,
    });
    await settle();

    expect(resolved).toMatchObject({ status: 'resolved', message_id: null, resolution: 'removed' });
    expect(deleted).toEqual([expect.objectContaining({ message_id: message.message_id })]);
    await expect(moderator.reports()).resolves.toEqual({ reports: [], next_cursor: null });
    await expect(moderator.reports({ status: 'resolved' })).resolves.toMatchObject({
      reports: [{ id: report.id }],
    });
    expect(await refusal(moderator.resolveReport(report.id))).toMatchObject({ status: 409 });
  });

  it('pages the queue newest first with next_cursor until it is null', async () => {
    server.moderation.reportsPage = 2;
    const owner = clientOfUser(OWNER).http;
    for (let i = 1; i <= 5; i++) {
      await owner.reportMessage(server.post(MEMBER, 1, `spam ${i}`).message_id, 'spam');
    }
    const moderator = clientOfUser(MODERATOR).http;
    const seen: string[] = [];
    let cursor: number | undefined;
    for (let page = 0; page < 5; page++) {
      const answer = await moderator.reports({ cursor });
      seen.push(...answer.reports.map((report) => report.message_text));
      if (answer.next_cursor === null) break;
      cursor = answer.next_cursor;
    }
    expect(seen).toEqual(['spam 5', 'spam 4', 'spam 3', 'spam 2', 'spam 1']);
  });
});

describe('the HTTP requests', () => {
  it('go to the documented routes with the documented bodies', async () => {
    const sent: string[] = [];
    const fetch: FetchLike = (url, init) => {
      sent.push(`${init.method} ${url.replace('http://chat.test', '')} ${init.body ?? ''}`.trim());
      return Promise.resolve({ ok: true, status: 200, text: () => Promise.resolve('{}') });
    };
    const http = new ChatHttp({ url: 'http://chat.test', token: () => 'token', fetch });
    const until = new Date('2030-01-02T00:00:00.000Z');
    await http.reportMessage(5, 'spam');
    await http.ban({ user_id: 3, reason: 'r', until });
    await http.unban(3);
    await http.mute({ user_id: 3, room_id: 4, reason: 'r' });
    await http.unmute(6);
    await http.mutes(3);
    await http.kick({ room_id: 4, user_id: 3, reason: 'r', ban: true, until: until.toISOString() });
    await http.liftRoomBan(4, 3);
    await http.reports({ status: 'resolved', cursor: 40 });
    await http.resolveReport(2, { delete_message: true });
    await http.audit({ action: 'user.ban', target_user_id: 3 });
    expect(sent).toEqual([
      'POST /api/v1/messages/5/reports {"reason":"spam"}',
      'POST /api/v1/moderation/bans {"user_id":3,"reason":"r","until":"2030-01-02T00:00:00.000Z"}',
      'DELETE /api/v1/moderation/bans/3',
      'POST /api/v1/moderation/mutes {"user_id":3,"room_id":4,"reason":"r"}',
      'DELETE /api/v1/moderation/mutes/6',
      'GET /api/v1/moderation/mutes?user_id=3',
      'POST /api/v1/moderation/kicks {"room_id":4,"user_id":3,"reason":"r","ban":true,"until":"2030-01-02T00:00:00.000Z"}',
      'DELETE /api/v1/moderation/room-bans/4/3',
      'GET /api/v1/moderation/reports?status=resolved&cursor=40',
      'POST /api/v1/moderation/reports/2/resolve {"delete_message":true}',
      'GET /api/v1/moderation/audit?action=user.ban&target_user_id=3',
    ]);
  });

  it('refuse an id that is not one before sending anything', async () => {
    const fetch = jest.fn<ReturnType<FetchLike>, Parameters<FetchLike>>();
    const http = new ChatHttp({ url: 'http://chat.test', fetch });
    await expect(http.reportMessage(Number.NaN, 'x')).rejects.toThrow(TypeError);
    await expect(http.unban(0)).rejects.toThrow(TypeError);
    await expect(http.resolveReport(-1)).rejects.toThrow(TypeError);
    expect(fetch).not.toHaveBeenCalled();
  });
});
