import { EchoBot } from './bot';

// Configured by the environment: CHAT_URL (default http://localhost:8000), BOT_NAME, BOT_PASSWORD.
const { CHAT_URL = 'http://localhost:8000', BOT_NAME = 'echo-bot', BOT_PASSWORD } = process.env;
if (!BOT_PASSWORD) {
  console.error('Set BOT_PASSWORD (and BOT_NAME, CHAT_URL) to run the bot.');
  process.exit(2);
}

const bot = new EchoBot({
  url: CHAT_URL,
  name: BOT_NAME,
  password: BOT_PASSWORD,
  log: (line) => console.log(`[bot] ${line}`),
});
bot.start().catch((error: Error) => {
  console.error(`[bot] could not start: ${error.message}`);
  process.exit(1);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    bot.stop();
    process.exit(0);
  });
}
