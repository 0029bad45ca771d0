// apps/example-bot, the SDK's example, as its own process against the real server: it answers
// commands in general and in a private room it is added to while running.
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { ChatClient, MessageNewFrame } from '@chat/client';
import { WebSocket } from 'ws';
import { createUser, PASSWORD, TestUser, uniqueName } from './support/factories';
import { exitOf, REPOSITORY_ROOT } from './support/server-processes';
import { startTestApp, TestApp } from './support/test-app';

const BOT_MAIN = join(REPOSITORY_ROOT, 'apps/example-bot/src/main.ts');
const WAIT_MS = 20_000;

describe('the example bot', () => {
  let t: TestApp;
  let bot: ChildProcess;
  let botOutput = '';
  let user: TestUser;
  let chat: ChatClient;
  const heard: MessageNewFrame[] = [];

  beforeAll(async () => {
    t = await startTestApp();
    user = await createUser(t);
    chat = new ChatClient({ url: t.baseUrl, token: user.token, WebSocket });
    chat.on('message.new', (frame) => heard.push(frame));
    await chat.connect();
    bot = spawn(process.execPath, ['--import', 'tsx', BOT_MAIN], {
      cwd: REPOSITORY_ROOT,
      env: {
        ...process.env,
        CHAT_URL: t.baseUrl,
        BOT_NAME: uniqueName('bot'),
        BOT_PASSWORD: PASSWORD,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    bot.stdout!.on('data', (chunk) => (botOutput += chunk));
    bot.stderr!.on('data', (chunk) => (botOutput += chunk));
    await until(
      () => /signed in as .* \(user (\d+)\)/.test(botOutput),
      () => botOutput,
    );
  }, 60_000);

  afterAll(async () => {
    chat?.close();
    if (bot && bot.exitCode === null) bot.kill('SIGKILL');
    await t?.close();
  });

  const botId = () => Number(/\(user (\d+)\)/.exec(botOutput)![1]);
  const reply = (roomId: number, text: string) => () =>
    heard.find(
      (f) => f.room_id === roomId && f.message.user_id === botId() && f.message.message === text,
    );

  it('echoes in general', async () => {
    await chat.send(1, '!echo hello, bot');
    await until(reply(1, 'hello, bot'), () => botOutput);
  });

  it('answers in a private room it is added to while running, and reminds later', async () => {
    const room = await chat.http.createRoom({ name: uniqueName('bots'), kind: 'private' });
    await chat.http.addMember(room.id, botId());
    await chat.send(room.id, '!remind 1s stretch');
    await until(reply(room.id, 'OK, in 1 s.'), () => botOutput);
    await until(reply(room.id, `@${user.name} reminder: stretch`), () => botOutput);
  });

  it('stops cleanly on SIGTERM', async () => {
    bot.kill('SIGTERM');
    await expect(exitOf(bot)).resolves.toEqual({ code: 0, signal: null });
  });
});

async function until(found: () => unknown, context: () => string): Promise<void> {
  const deadline = Date.now() + WAIT_MS;
  while (!found()) {
    if (Date.now() > deadline) throw new Error(`timed out; bot said:\n${context()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
