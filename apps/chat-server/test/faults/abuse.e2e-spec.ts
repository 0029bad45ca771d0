import { connect } from 'node:net';
import request from 'supertest';
import { WebSocket } from 'ws';
import { ChatClient } from '../support/chat-client';
import {
  bearer,
  createUser,
  createUserWithRole,
  loginAdmin,
  uniqueName,
} from '../support/factories';
import { readMetrics, delta } from '../support/metrics';
import { startTestApp, TestApp } from '../support/test-app';

/** Opens a socket to /ws; resolves with the HTTP status when the handshake is refused. */
function tryConnect(t: TestApp, forwardedFor?: string): Promise<WebSocket | number> {
  const headers = forwardedFor ? { 'X-Forwarded-For': forwardedFor } : undefined;
  const socket = new WebSocket(`${t.baseUrl.replace(/^http/, 'ws')}/ws`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    socket.once('error', reject);
  });
}

/** Writes `head`, then one byte of `drip` every 200 ms; what the server answered, and when. */
function dripRequest(t: TestApp, head: string, drip: string) {
  const { port } = new URL(t.baseUrl);
  return new Promise<{ answer: string; seconds: number }>((resolve) => {
    const started = Date.now();
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    let sent = 0;
    socket.write(head);
    const timer = setInterval(() => {
      if (sent < drip.length) socket.write(drip[sent++]);
    }, 200);
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ answer, seconds: (Date.now() - started) / 1000 });
    });
  });
}

describe('connection floods and slow clients', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      WS_MAX_CONNECTIONS_PER_ADDRESS: '5',
      TRUST_PROXY: 'loopback',
      HTTP_REQUEST_TIMEOUT_SECONDS: '2',
      HTTP_HEADERS_TIMEOUT_SECONDS: '1',
    });
  });
  afterAll(() => t.close());

  it('refuses sockets past WS_MAX_CONNECTIONS_PER_ADDRESS from one address with 429', async () => {
    const before = await readMetrics(t);
    const open: WebSocket[] = [];
    for (let i = 0; i < 5; i++) open.push((await tryConnect(t, '198.51.100.1')) as WebSocket);
    const refused = await Promise.all([1, 2, 3].map(() => tryConnect(t, '198.51.100.1')));
    expect(refused).toEqual([429, 429, 429]);
    const other = await tryConnect(t, '198.51.100.2');
    expect(other).toBeInstanceOf(WebSocket);
    (other as WebSocket).close();

    open.pop()!.close();
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await tryConnect(t, '198.51.100.1');
    expect(again).toBeInstanceOf(WebSocket);
    for (const socket of [...open, again as WebSocket]) socket.close();
    expect(delta(before, await readMetrics(t), 'chat_ws_connections_refused_total')).toBe(3);
  });

  it('answers 408 to a body that drips in, and keeps serving', async () => {
    const body = JSON.stringify({ name: uniqueName(), password: 'long enough' });
    const { answer, seconds } = await dripRequest(
      t,
      `POST /auth/register-user HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      body,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(seconds).toBeLessThan(body.length * 0.2);
    await t.http.get('/health/live').expect(200);
  });

  it('answers 408 to headers that drip in', async () => {
    const { answer } = await dripRequest(
      t,
      'GET /health/live HTTP/1.1\r\n',
      'X-Slow: ' + 'a'.repeat(60),
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('role escalation and hostile text', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const roleOf = async (id: number) =>
    (await t.db.query('SELECT role FROM users WHERE id = $1', [id]))[0].role as number;

  it('never lets a user raise a role or touch what is not theirs', async () => {
    const user = await createUser(t);
    const other = await createUser(t);
    const moderator = await createUserWithRole(t, await loginAdmin(t), 2);

    await t.http
      .patch('/user/update')
      .set(...bearer(user))
      .send({ data_update: { role: 3 } })
      .expect(422);
    await t.http
      .patch('/user/update')
      .set(...bearer(user))
      .send({ data_update: { name: uniqueName(), role: 3 }, role: 3 })
      .expect(201);
    const name = uniqueName();
    await t.http.post('/auth/register-user').send({ name, password: 'long enough', role: 3 });
    expect(await t.db.query('SELECT id FROM users WHERE name = $1', [name])).toEqual([]);
    for (const caller of [user, moderator]) {
      await t.http
        .post('/auth/register-admin')
        .set(...bearer(caller))
        .send({ name: uniqueName(), password: 'long enough', role: 3 })
        .expect(403);
    }
    await t.http
      .post('/auth/register-admin')
      .send({ name: uniqueName(), password: 'long enough', role: 3 })
      .expect(401);

    const client = await ChatClient.connect(t.baseUrl, other.token);
    client.send({ message: 'mine' });
    const messageId = (await client.messages(1))[0].message_id;
    client.close();
    await t.http
      .patch('/routers/update')
      .set(...bearer(user))
      .send({ message_id: messageId, message: 'hijacked' })
      .expect(409);
    await t.http
      .delete('/routers/delete-message')
      .set(...bearer(user))
      .send({ id_message: messageId })
      .expect(409);
    const panel = request.agent(t.baseUrl);
    await panel
      .post('/admin/login')
      .type('form')
      .send({ email: user.name, password: user.password });
    const list = await panel.get('/admin/api/resources/User/actions/list');
    expect(list.status).toBe(302);
    expect(list.headers.location).toMatch(/\/admin\/login/);

    expect(await roleOf(user.id)).toBe(1);
    expect(await roleOf(moderator.id)).toBe(2);
    expect((await t.db.query('SELECT text FROM messages WHERE id = $1', [messageId]))[0].text).toBe(
      'mine',
    );
  });

  it('stores SQL-looking and control-character text verbatim, as data', async () => {
    const texts = [
      "'; DROP TABLE messages; --",
      "Robert'); DROP TABLE users;--",
      '1 OR 1=1',
      '$1 $2 \\x00 %s %n {{7*7}} ${7*7}',
      'tab\there, bell\u0007, escape\u001b[31m, del\u007f',
      'line one\r\nline two',
      '<img src=x onerror=alert(1)>',
      '\u202eright-to-left override',
      'emoji 👩‍👩‍👧 and combining é',
    ];
    const user = await createUser(t);
    const client = await ChatClient.connect(t.baseUrl, user.token);
    for (const text of texts) client.send({ message: text });
    const received = (await client.messages(texts.length)).map((frame) => frame.message);
    client.close();
    expect(received).toEqual(texts.map((text) => text.trim()));
    const history = (await t.http.get('/routers/last_messages').expect(200)).body as {
      message: string;
    }[];
    expect(
      history
        .slice(0, texts.length)
        .map((m) => m.message)
        .reverse(),
    ).toEqual(received);
    expect(await t.db.query("SELECT to_regclass('users') IS NOT NULL AS ok")).toEqual([
      { ok: true },
    ]);

    const name = "o'brien; DROP TABLE users;--";
    await t.http.post('/auth/register-user').send({ name, password: 'long enough' }).expect(201);
    expect(await t.db.query('SELECT name FROM users WHERE name = $1', [name])).toEqual([{ name }]);
  });
});
