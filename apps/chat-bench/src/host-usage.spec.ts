import {
  commandOfStat,
  cpuSecondsOfStat,
  databaseCpuSecondsOf,
  hostTicksOf,
  phaseUsage,
} from './host-usage';

/**
 * A /proc/<pid>/stat line: pid, command, then fields 3 to 17 (state ... cstime) and a few more.
 * utime, stime, cutime and cstime are fields 14 to 17.
 */
const stat = (command: string, utime: number, stime: number, cutime = 0, cstime = 0) =>
  `4242 (${command}) S 1 4242 4242 0 -1 4194304 10215 0 0 0 ${utime} ${stime} ${cutime} ${cstime} 20 0 1 0 4336`;

describe('host usage from /proc', () => {
  it('reads a process’s user and system seconds after a command name holding spaces', () => {
    const line = stat('a (b) c', 250, 130, 900, 100);
    expect(commandOfStat(line)).toBe('a (b) c');
    expect(cpuSecondsOfStat(line)).toBeCloseTo(3.8);
    expect(cpuSecondsOfStat(line, { ended: true })).toBeCloseTo(13.8);
  });

  it('counts PostgreSQL’s processes alone, with the backends that ended in their parent', () => {
    const before = [
      stat('postgres', 1000, 200, 5000, 800), // the postmaster, children's seconds in cutime/cstime
      stat('postgres', 300, 100), // a backend
      stat('node', 9000, 900),
    ];
    // The backend ended: its 4 s moved into the postmaster's children's seconds; the other used 1 s.
    const after = [stat('postgres', 1000, 200, 5300, 900), stat('node', 9900, 900)];
    expect(databaseCpuSecondsOf(before)).toBeCloseTo(74);
    expect(databaseCpuSecondsOf(after) - databaseCpuSecondsOf(before)).toBeCloseTo(0);
    expect(databaseCpuSecondsOf([...after, stat('postgres', 100, 0)])).toBeCloseTo(75);
  });

  it('says NaN, not 0, when no process is PostgreSQL’s (a database on another host)', () => {
    expect(databaseCpuSecondsOf([stat('node', 1, 1), stat('postgres: main', 5, 5)])).toBeNaN();
  });

  it('counts idle and I/O wait as not busy, and leaves out steal and the guest time in user', () => {
    const procStat = [
      // user nice system idle iowait irq softirq steal guest guest_nice
      'cpu  100 5 40 800 20 3 7 25 60 4',
      'cpu0 50 2 20 400 10 1 3 12 30 2',
      'intr 12345',
    ].join('\n');
    expect(hostTicksOf(procStat)).toEqual({ busy: 100 + 5 + 40 + 3 + 7, total: 975 });
  });

  it('refuses a text without the machine’s cpu line', () => {
    expect(() => hostTicksOf('cpu0 1 2 3 4\n')).toThrow('no cpu line');
  });

  it('gives each process’s CPU over the phase as a share of one core, the machine’s of all', () => {
    const start = { at: 1_000, server: 10, database: 4, host: { busy: 500, total: 1_000 } };
    // 2 s; on 2 cores 400 ticks of 100 per second each, 300 of them busy.
    const end = { at: 3_000, server: 11.2, database: 4.8, host: { busy: 800, total: 1_400 } };
    const usage = phaseUsage(start, end);
    expect(usage.serverCpu).toBeCloseTo(0.6);
    expect(usage.databaseCpu).toBeCloseTo(0.4);
    expect(usage.hostBusy).toBeCloseTo(0.75);
  });
});
