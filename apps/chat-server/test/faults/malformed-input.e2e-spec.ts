import { ChatClient, settle } from '../support/chat-client';
import { createUser, createUserWithRole, loginAdmin, TestUser } from '../support/factories';
import { startTestApp, TestApp } from '../support/test-app';
import { recordChecks } from './support/reliability-report';

/** Values no string field of the API accepts. */
const BAD_STRINGS: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  [],
  ['text'],
  {},
  { nested: { deeper: 'text' } },
  '',
  'x'.repeat(5_000),
  'a\u0000b',
  JSON.parse(`${'['.repeat(40)}${']'.repeat(40)}`),
];
/** Values no id field of the API accepts. */
const BAD_IDS: unknown[] = [null, true, 'abc', '1; DROP TABLE messages', 1.5, [], [1], {}, 1e20];
/** Whole bodies that are not the JSON object a route expects. */
const BAD_RAW_BODIES: { body: string | Buffer; type?: string }[] = [
  { body: '' },
  { body: 'null' },
  { body: '[]' },
  { body: '"text"' },
  { body: '123' },
  { body: '{' },
  { body: '{"name": ' },
  { body: '{"a": 1}{"b": 2}' },
  { body: "{'name': 'single quotes'}" },
  { body: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]) },
  { body: `${'['.repeat(10_000)}${']'.repeat(10_000)}` },
  { body: `{"name": "${'x'.repeat(70 * 1024)}"}` },
  { body: '{"name": "text", "password": "long enough"}', type: 'text/plain' },
  { body: '<name>xml</name>', type: 'application/xml' },
];
/** A JSON body on the wire, or a raw one with its content type. */
type Body = { json: unknown } | { raw: string | Buffer; type: string };

interface Route {
  method: 'post' | 'patch' | 'delete';
  path: string;
  valid: Record<string, unknown>;
  strings: string[];
  ids: string[];
  caller?: () => TestUser;
  /** Statuses the contract gives this route for some wrong values, besides 4xx validation. */
  contract?: number[];
}

describe('a corpus of malformed HTTP bodies and WebSocket frames', () => {
  let t: TestApp;
  let user: TestUser;
  let moderator: TestUser;
  let admin: TestUser;
  let messageId: number;

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '100000', MESSAGE_RATE_BURST: '100000' });
    user = await createUser(t);
    admin = await loginAdmin(t);
    moderator = await createUserWithRole(t, admin, 2);
    const client = await ChatClient.connect(t.baseUrl, user.token);
    client.send({ message: 'the one message' });
    messageId = (await client.messages(1))[0].message_id as number;
    client.close();
  });
  afterAll(() => t.close());

  /** Every row of the tables a request could change, as one string. */
  const snapshot = async () =>
    JSON.stringify(
      await t.db.query(`SELECT
        (SELECT json_agg(u ORDER BY id) FROM users u) AS users,
        (SELECT json_agg(m ORDER BY id) FROM messages m) AS messages,
        (SELECT json_agg(s.id ORDER BY s.id) FROM sessions s) AS sessions`),
    );

  function routes(): Route[] {
    return [
      {
        method: 'post',
        path: '/auth/register-user',
        valid: { name: 'valid-name', password: 'long enough' },
        strings: ['name', 'password'],
        ids: [],
      },
      {
        method: 'post',
        path: '/user/login',
        valid: { name: user.name, password: user.password },
        strings: ['name', 'password'],
        ids: [],
        contract: [409],
      },
      {
        method: 'post',
        path: '/auth/register-admin',
        valid: { name: 'valid-admin', password: 'long enough', role: 2 },
        strings: ['name', 'password'],
        ids: ['role'],
        caller: () => admin,
        contract: [409],
      },
      {
        method: 'patch',
        path: '/routers/update',
        valid: { message_id: messageId, message: 'edited' },
        strings: ['message'],
        ids: ['message_id'],
        caller: () => user,
      },
      {
        method: 'delete',
        path: '/routers/delete-message',
        valid: { id_message: messageId },
        strings: [],
        ids: ['id_message'],
        caller: () => moderator,
      },
      {
        method: 'post',
        path: '/routers/load',
        valid: { id_message: messageId },
        strings: [],
        ids: ['id_message'],
      },
    ];
  }

  function httpCorpus(): { route: Route; label: string; body: Body }[] {
    const corpus: { route: Route; label: string; body: Body }[] = [];
    for (const route of routes()) {
      const mutate = (field: string, value: unknown) =>
        corpus.push({
          route,
          label: `${field} = ${JSON.stringify(value)?.slice(0, 40)}`,
          body: { json: { ...route.valid, [field]: value } },
        });
      for (const field of route.strings) for (const value of BAD_STRINGS) mutate(field, value);
      for (const field of route.ids) for (const value of BAD_IDS) mutate(field, value);
      for (const field of [...route.strings, ...route.ids]) {
        const rest = { ...route.valid };
        delete rest[field];
        corpus.push({ route, label: `without ${field}`, body: { json: rest } });
      }
      for (const { body, type } of BAD_RAW_BODIES) {
        corpus.push({
          route,
          label: `raw ${String(body).slice(0, 30)}`,
          body: { raw: body, type: type ?? 'application/json' },
        });
      }
    }
    // The profile update nests its fields one level down.
    const update: Route = {
      method: 'patch',
      path: '/user/update',
      valid: {},
      strings: [],
      ids: [],
      caller: () => user,
    };
    for (const value of BAD_STRINGS) {
      for (const field of ['name', 'password']) {
        corpus.push({
          route: update,
          label: `data_update.${field} = ${JSON.stringify(value)?.slice(0, 40)}`,
          body: { json: { data_update: { [field]: value } } },
        });
      }
    }
    for (const value of [null, 'text', 1, [], ['a']]) {
      corpus.push({
        route: update,
        label: `data_update = ${JSON.stringify(value)}`,
        body: { json: { data_update: value } },
      });
    }
    return corpus;
  }

  it('answers every malformed HTTP body with a 4xx and a detail, and changes nothing', async () => {
    const before = await snapshot();
    const corpus = httpCorpus();
    const unexpected: string[] = [];
    for (const { route, label, body } of corpus) {
      let call = t.http[route.method](route.path);
      if (route.caller) call = call.set('Authorization', `Bearer ${route.caller().token}`);
      const response =
        'json' in body
          ? await call.send(body.json as object)
          : await call.set('Content-Type', body.type).send(body.raw);
      const statuses = [400, 413, 415, 422, ...(route.contract ?? [])];
      const answered = statuses.includes(response.status) && 'detail' in response.body;
      if (!answered)
        unexpected.push(`${route.path} ${label}: ${response.status} ${response.text.slice(0, 80)}`);
    }
    expect(unexpected).toEqual([]);
    expect(await snapshot()).toBe(before);
    await t.http.get('/health/ready').expect(200);
    recordChecks(`Malformed HTTP bodies (${corpus.length} kinds)`, corpus.length);
    expect(corpus.length).toBeGreaterThanOrEqual(150);
  });

  function frameCorpus(): {
    label: string;
    frame: string | Buffer;
    binary?: boolean;
    notUtf8?: boolean;
  }[] {
    const valid = { message: 'hello', client_id: 'client-1' };
    const corpus: { label: string; frame: string | Buffer; binary?: boolean; notUtf8?: boolean }[] =
      [];
    const mutate = (field: string, value: unknown) =>
      corpus.push({
        label: `${field} = ${JSON.stringify(value)?.slice(0, 40)}`,
        frame: JSON.stringify({ ...valid, [field]: value }),
      });
    for (const value of BAD_STRINGS) mutate('message', value);
    for (const value of [null, true, 0, [], {}, '', 'c'.repeat(65)]) mutate('client_id', value);
    for (const value of [null, true, 0, [], {}, '']) mutate('token', value);
    for (const value of [null, 'abc', -1, 1.5, 2 ** 60, [], {}]) {
      corpus.push({
        label: `resume after ${JSON.stringify(value)}`,
        frame: JSON.stringify({ action: 'resume', after_id: value }),
      });
    }
    for (const action of ['', 'RESUME', 'delete', 'edit', null]) {
      corpus.push({
        label: `action ${String(action)}`,
        frame: JSON.stringify({ action, after_id: 0 }),
      });
    }
    corpus.push({ label: 'without message', frame: JSON.stringify({ client_id: 'client-1' }) });
    // Frames have no content type, and one over WS_MAX_FRAME_BYTES is closed with 1009 instead.
    const rawFrames = BAD_RAW_BODIES.filter(({ body, type }) => !type && body.length < 64 * 1024);
    for (const { body } of rawFrames) {
      corpus.push({
        label: `raw ${String(body).slice(0, 30)}`,
        frame: body,
        notUtf8: Buffer.isBuffer(body),
      });
    }
    corpus.push({ label: 'binary JSON', frame: Buffer.from(JSON.stringify(valid)), binary: true });
    corpus.push({ label: 'lone surrogate escape', frame: '{"message": "\\ud800"}' });
    return corpus;
  }

  it('answers every malformed frame with "Invalid format" and a 1008 close, and changes nothing', async () => {
    const before = await snapshot();
    const corpus = frameCorpus();
    const unexpected: string[] = [];
    for (const { label, frame, binary, notUtf8 } of corpus) {
      const client = await ChatClient.connect(t.baseUrl, user.token);
      client.socket.send(frame, { binary: binary ?? false });
      const closed = await Promise.race([client.closed, settle(2_000).then(() => ({ code: 0 }))]);
      client.socket.terminate();
      const notice = client.frames[0];
      // ws itself closes a text frame that is not UTF-8 with 1007, as RFC 6455 says.
      const refused = closed.code === 1008 && notice?.message === 'Invalid format';
      if (!refused && !(notUtf8 && closed.code === 1007)) {
        unexpected.push(
          `${label}: close ${closed.code}, ${JSON.stringify(client.frames).slice(0, 80)}`,
        );
      }
    }
    expect(unexpected).toEqual([]);
    expect(await snapshot()).toBe(before);
    const client = await ChatClient.connect(t.baseUrl, user.token);
    client.send({ message: 'still serving' });
    await client.messages(1);
    client.close();
    recordChecks(`Malformed WebSocket frames (${corpus.length} kinds)`, corpus.length);
    expect(corpus.length + httpCorpus().length).toBeGreaterThanOrEqual(200);
  });
});
