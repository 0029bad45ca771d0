import { commandOfStat, cpuSecondsOfStat, hostTicksOf } from './host-usage';

// A real line's shape: a command name with spaces and a parenthesis, then utime 250, stime 130.
const STAT =
  '4242 (postgres: a (b)) S 1 4242 4242 0 -1 4194304 10215 0 0 0 250 130 7 9 20 0 1 0 4336 222445568';

describe('host usage from /proc', () => {
  it('reads a process’s user and system seconds after a command name holding spaces', () => {
    expect(cpuSecondsOfStat(STAT)).toBeCloseTo(3.8);
  });

  it('reads the command name whole', () => {
    expect(commandOfStat(STAT)).toBe('postgres: a (b)');
  });

  it('counts idle and I/O wait as not busy, every other column as busy', () => {
    const procStat = [
      'cpu  100 5 40 800 20 3 7 25 0 0',
      'cpu0 50 2 20 400 10 1 3 12 0 0',
      'intr 12345',
    ].join('\n');
    expect(hostTicksOf(procStat)).toEqual({ busy: 100 + 5 + 40 + 3 + 7 + 25, total: 1000 });
  });

  it('refuses a text without the machine’s cpu line', () => {
    expect(() => hostTicksOf('cpu0 1 2 3 4\n')).toThrow('no cpu line');
  });
});
