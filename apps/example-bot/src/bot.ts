import { ChatClient, ChatHttp, MessageNewFrame } from '@chat/client';
import { Command, HELP, parseCommand } from './commands';

export interface BotOptions {
  url: string;
  name: string;
  password: string;
  log(line: string): void;
}

/**
 * The example bot: signs in (registering the account the first time), then answers commands in
 * every room it is in, rooms it is added to later included. It uses the SDK alone.
 */
export class EchoBot {
  private chat?: ChatClient;
  private readonly reminders = new Set<ReturnType<typeof setTimeout>>();

  constructor(private readonly options: BotOptions) {}

  async start(): Promise<void> {
    const { url, name, password, log } = this.options;
    const http = new ChatHttp({ url });
    await http.login(name, password).catch(() => http.register(name, password));
    // A token function, not a token: the client asks it again before the token expires and on
    // every reconnect, so the bot outlives its tokens (a fresh sign-in each time).
    const signIn = async () => (await http.login(name, password)).token;
    const chat = new ChatClient({ url, token: signIn });
    this.chat = chat;
    chat.on('state', (state) => log(`connection ${state}`));
    chat.on('message.new', (frame) => this.answer(frame));
    chat.on('session.ended', ({ detail }) => log(`session ended: ${detail}`));
    const { user_id, rooms } = await chat.connect();
    log(`signed in as ${name} (user ${user_id}), in ${rooms.length} room(s)`);
  }

  stop(): void {
    for (const reminder of this.reminders) clearTimeout(reminder);
    this.reminders.clear();
    this.chat?.close();
  }

  private answer({ room_id: roomId, message }: MessageNewFrame): void {
    if (message.user_id === this.chat?.userId) return;
    const command = parseCommand(message.message);
    if (command) this.act(roomId, message.name, command);
  }

  private act(roomId: number, author: string, command: Command): void {
    switch (command.kind) {
      case 'help':
        return this.say(roomId, HELP);
      case 'echo':
        return this.say(roomId, command.text);
      case 'remind': {
        const reminder = setTimeout(() => {
          this.reminders.delete(reminder);
          this.say(roomId, `@${author} reminder: ${command.text}`);
        }, command.delayMs);
        this.reminders.add(reminder);
        return this.say(roomId, `OK, in ${Math.round(command.delayMs / 1000)} s.`);
      }
    }
  }

  private say(roomId: number, text: string): void {
    this.chat?.send(roomId, text).catch((error: Error) => {
      this.options.log(`could not answer in room ${roomId}: ${error.message}`);
    });
  }
}
