import fc from 'fast-check';
import { HELP, parseCommand } from './commands';

describe('parseCommand', () => {
  it('reads echo, remind and help', () => {
    expect(parseCommand('!echo  hello   there ')).toEqual({ kind: 'echo', text: 'hello   there' });
    expect(parseCommand('!remind 10s stand up')).toEqual({
      kind: 'remind',
      delayMs: 10_000,
      text: 'stand up',
    });
    expect(parseCommand('!REMIND 2H tea')).toEqual({
      kind: 'remind',
      delayMs: 7_200_000,
      text: 'tea',
    });
    expect(parseCommand('!help')).toEqual({ kind: 'help' });
  });

  it('answers a command it cannot read with help, and stays quiet on anything else', () => {
    for (const text of ['!echo', '!remind', '!remind 10 x', '!remind 5s', '!remind 25h late']) {
      expect(parseCommand(text)).toEqual({ kind: 'help' });
    }
    for (const text of ['hello', 'echo this', ' ! echo', 'say !echo']) {
      expect(parseCommand(text)).toBeNull();
    }
    expect(HELP).toContain('!echo');
  });

  it('never throws, and never waits longer than a day', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const command = parseCommand(text);
        if (command?.kind === 'remind') {
          expect(command.delayMs).toBeGreaterThan(-1);
          expect(command.delayMs).toBeLessThanOrEqual(24 * 3600_000);
        }
      }),
    );
  });
});
