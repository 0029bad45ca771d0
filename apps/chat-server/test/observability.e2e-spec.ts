import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { AvatarProcessor } from '@chat/avatars';
import { EmbeddedDatabase } from '@chat/database';
import { ChatClient } from './support/chat-client';
import { bearer, createUser } from './support/factories';
import { delta, readMetrics, seriesKey } from './support/metrics';
import { freePort } from './support/server-processes';
import { startTestApp, TestApp } from './support/test-app';

describe('GET /metrics after real traffic', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ MESSAGE_RATE_LIMIT: '1', MESSAGE_RATE_BURST: '3' });
  });
  afterAll(() => t.close());

  it('exports process defaults and every chat metric, named by Prometheus conventions', async () => {
    const metrics = await readMetrics(t);
    for (const name of [
      'process_cpu_user_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_seconds',
      'chat_ws_connections',
      'chat_db_pool_connections_in_use',
    ]) {
      expect(metrics.has(name)).toBe(true);
    }
    const response = await t.http.get('/metrics').expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    for (const name of [
      'http_requests_total',
      'http_request_duration_seconds',
      'chat_ws_frames_received_total',
      'chat_ws_frames_sent_total',
      'chat_ws_frames_rejected_total',
      'chat_ws_rate_limited_total',
      'chat_ws_slow_consumer_disconnects_total',
      'chat_messages_stored_total',
      'chat_message_write_duration_seconds',
      'chat_events_broadcast_total',
      'chat_broadcast_duration_seconds',
      'chat_avatar_jobs_total',
      'chat_avatar_job_duration_seconds',
    ]) {
      expect(response.text).toContain(`# TYPE ${name} `);
    }
  });

  it('counts HTTP requests by route template and status, leaving /metrics out', async () => {
    const before = await readMetrics(t);
    const user = await createUser(t); // one registration and one login
    await t.http
      .post('/user/login')
      .send({ name: user.name, password: 'wrong password' })
      .expect(409);
    await t.http.get('/routers/since?after_id=0&limit=5').expect(200);
    await t.http.get('/routers/since?after_id=7').expect(200);
    await t.http.get('/nowhere').expect(404);
    await t.http.get('/metrics').expect(200);
    const after = await readMetrics(t);

    const requests = (method: string, route: string, status: string) =>
      delta(before, after, 'http_requests_total', { method, route, status });
    expect(requests('POST', '/auth/register-user', '201')).toBe(1);
    expect(requests('POST', '/user/login', '200')).toBe(1);
    expect(requests('POST', '/user/login', '409')).toBe(1);
    expect(requests('GET', '/routers/since', '200')).toBe(2);
    expect(requests('GET', 'unmatched', '404')).toBe(1);
    expect(requests('GET', '/metrics', '200')).toBe(0);
    const timed = seriesKey('http_request_duration_seconds_count', {
      method: 'GET',
      route: '/routers/since',
      status: '200',
    });
    expect((after.get(timed) ?? 0) - (before.get(timed) ?? 0)).toBe(2);
  });

  it('counts sockets, frames, stored messages, broadcasts, refusals and rate limits', async () => {
    const user = await createUser(t);
    const before = await readMetrics(t);
    const sender = await ChatClient.connect(t.baseUrl, user.token);
    const listener = await ChatClient.connect(t.baseUrl);
    const during = await readMetrics(t);
    expect(delta(before, during, 'chat_ws_connections')).toBe(2);

    for (let i = 0; i < 4; i++) sender.send({ message: `counted ${i}` }); // the 4th is rate limited
    await listener.messages(3);
    await sender.next((f) => f.message === 'Rate limit exceeded');
    const rejected = await ChatClient.connect(t.baseUrl);
    rejected.send('not json');
    await rejected.closed;
    sender.close();
    listener.close();
    await Promise.all([sender.closed, listener.closed]);
    const after = await readMetrics(t);

    expect(delta(before, after, 'chat_ws_connections')).toBe(0);
    expect(delta(before, after, 'chat_ws_frames_received_total')).toBe(5);
    expect(delta(before, after, 'chat_messages_stored_total')).toBe(3);
    expect(delta(before, after, 'chat_events_broadcast_total', { type: 'message.created' })).toBe(
      3,
    );
    // Three broadcasts to two sockets, the rate-limit notice and the refusal notice.
    expect(delta(before, after, 'chat_ws_frames_sent_total')).toBe(8);
    expect(delta(before, after, 'chat_ws_rate_limited_total')).toBe(1);
    expect(
      delta(before, after, 'chat_ws_frames_rejected_total', { reason: 'invalid_format' }),
    ).toBe(1);
    expect(delta(before, after, 'chat_broadcast_duration_seconds_count')).toBe(3);
    // The three went in one to three inserts, as they met the writer.
    const writes = delta(before, after, 'chat_message_write_duration_seconds_count');
    expect(writes).toBeGreaterThanOrEqual(1);
    expect(writes).toBeLessThanOrEqual(3);
    expect(delta(before, after, 'chat_message_write_duration_seconds_sum')).toBeGreaterThan(0);
  });

  it('counts avatar jobs by outcome with their duration', async () => {
    const user = await createUser(t);
    const before = await readMetrics(t);
    const png = await sharp({
      create: { width: 10, height: 10, channels: 3, background: '#123456' },
    })
      .png()
      .toBuffer();
    await t.http
      .post('/avatar/upload')
      .set(...bearer(user))
      .attach('image', png, 'a.png')
      .expect(201);
    await t.app.get(AvatarProcessor).drain();
    const after = await readMetrics(t);
    expect(delta(before, after, 'chat_avatar_jobs_total', { outcome: 'succeeded' })).toBe(1);
    expect(delta(before, after, 'chat_avatar_job_duration_seconds_count')).toBe(1);
  });
});

describe('health', () => {
  it('is live and ready with the database up, and not ready while it is down', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'chat-health-'));
    const database = new EmbeddedDatabase(dir, await freePort());
    const t = await startTestApp({
      DATABASE_URL: await database.start(),
      MIGRATE_ON_START: 'true',
    });
    try {
      expect((await t.http.get('/health/live').expect(200)).body).toMatchObject({ status: 'ok' });
      const ready = await t.http.get('/health/ready').expect(200);
      expect(ready.body).toMatchObject({
        status: 'ok',
        info: { database: { status: 'up' }, events: { status: 'up' } },
      });

      const user = await createUser(t);
      const client = await ChatClient.connect(t.baseUrl, user.token);
      client.send({ message: 'before the outage' });
      await client.messages(1);
      const [{ count: storedBefore }] = await t.db.query(
        'SELECT count(*)::int AS count FROM messages',
      );

      await database.stop();
      client.send({ message: 'during the outage', client_id: 'outage-1' });
      expect(await client.next((f) => f.event === 'send user message')).toEqual({
        event: 'send user message',
        message: 'Temporarily unavailable',
      });
      const down = await t.http.get('/health/ready').expect(503);
      expect(down.body).toMatchObject({ status: 'error', error: { database: { status: 'down' } } });
      await t.http.get('/health/live').expect(200);
      const refused = await t.http.get('/routers/last_messages').expect(503);
      expect(refused.body).toEqual({ detail: 'Service unavailable' });

      await database.start();
      let status = 503;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await t.http.get('/health/ready')).status;
        if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(status).toBe(200);
      await t.http.get('/routers/last_messages').expect(200);
      const [{ count: storedAfter }] = await t.db.query(
        'SELECT count(*)::int AS count FROM messages',
      );
      expect(storedAfter).toBe(storedBefore);
      client.send({ message: 'after the outage', client_id: 'outage-1' });
      expect((await client.messages(2))[1]).toMatchObject({ message: 'after the outage' });
      client.close();
      await createUser(t);
    } finally {
      await t.close();
      await database.stop();
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
