/** What a chat message asks the bot to do, if anything. */
export type Command =
  | { kind: 'echo'; text: string }
  | { kind: 'remind'; delayMs: number; text: string }
  | { kind: 'help' };

/** Reminders wait at most a day: the bot keeps them in memory only. */
export const MAX_REMINDER_MS = 24 * 3600_000;
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3600_000 };

export const HELP =
  'I answer "!echo <text>" with the text, and "!remind <number>s|m|h <text>" with the text ' +
  'after that long (at most 24h).';

/** Reads a message's text: a command, or null for anything else (the bot stays quiet). */
export function parseCommand(message: string): Command | null {
  const [word, ...rest] = message.trim().split(/\s+/);
  const argument = message.trim().slice(word.length).trim();
  switch (word.toLowerCase()) {
    case '!help':
      return { kind: 'help' };
    case '!echo':
      return argument === '' ? { kind: 'help' } : { kind: 'echo', text: argument };
    case '!remind': {
      const delay = /^(\d{1,6})([smh])$/i.exec(rest[0] ?? '');
      const text = argument.slice((rest[0] ?? '').length).trim();
      if (!delay || text === '') return { kind: 'help' };
      const delayMs = Number(delay[1]) * UNITS[delay[2].toLowerCase()];
      return delayMs > MAX_REMINDER_MS ? { kind: 'help' } : { kind: 'remind', delayMs, text };
    }
    default:
      return null;
  }
}
