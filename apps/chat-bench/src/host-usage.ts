// What the whole machine and PostgreSQL spent while a step ran, from /proc (Linux). The servers'
// own CPU is only part of a step's cost on these shared cores: the chat server also makes
// PostgreSQL work for each message, and the load generator takes its share of the cores.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** The fields of one /proc/<pid>/stat line after the command name (field 3 onwards). */
function fieldsAfterCommand(stat: string): string[] {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/**
 * The CPU seconds (user and system) in one /proc/<pid>/stat line; with `ended`, also those of its
 * children that ended and were waited for (cutime and cstime).
 */
export function cpuSecondsOfStat(stat: string, { ended = false } = {}): number {
  const fields = fieldsAfterCommand(stat).slice(11, ended ? 15 : 13);
  return fields.reduce((sum, ticks) => sum + Number(ticks), 0) / CLOCK_TICKS;
}

/** The command name in one /proc/<pid>/stat line (the kernel's, not a changed process title). */
export function commandOfStat(stat: string): string {
  return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
}

/** The ids of the processes running now. */
export function processIds(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .map(Number);
}

/**
 * CPU seconds used so far by the PostgreSQL processes among these /proc/<pid>/stat lines, counting
 * the backends that ended in their parent's (so a backend ending between two readings moves its
 * seconds rather than taking them away); NaN when none is PostgreSQL's (a database elsewhere).
 */
export function databaseCpuSecondsOf(stats: string[]): number {
  const postgres = stats.filter((stat) => commandOfStat(stat) === 'postgres');
  if (postgres.length === 0) return NaN;
  return postgres.reduce((sum, stat) => sum + cpuSecondsOfStat(stat, { ended: true }), 0);
}

export function databaseCpuSeconds(): number {
  const stats = processIds().flatMap((pid) => {
    try {
      return [readFileSync(`/proc/${pid}/stat`, 'utf8')];
    } catch {
      return []; // ended meanwhile
    }
  });
  return databaseCpuSecondsOf(stats);
}

export interface HostTicks {
  /** Ticks the CPUs spent on anything but idling or waiting for I/O, all CPUs together. */
  busy: number;
  /** Ticks this machine had, all CPUs together (time taken by the hypervisor, steal, left out). */
  total: number;
}

/** The machine's ticks from /proc/stat's first line (`cpu  user nice system idle iowait ...`). */
export function hostTicksOf(procStat: string): HostTicks {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  // user nice system idle iowait irq softirq; then steal, and guest time already in user and nice.
  const [user, nice, system, idle, iowait, irq, softirq] = line
    .trim()
    .split(/\s+/)
    .slice(1, 8)
    .map(Number);
  const busy = user + nice + system + irq + softirq;
  return { busy, total: busy + idle + iowait };
}

/** A step's sending phase: each process's CPU as a share of one core, the machine's busy share. */
export interface PhaseUsage {
  serverCpu: number;
  databaseCpu: number;
  /** Of all the machine's cores together (1 = every core busy). */
  hostBusy: number;
}

export interface UsageReading {
  /** performance.now() */
  at: number;
  server: number;
  database: number;
  host: HostTicks;
}

/** What was spent between two readings. */
export function phaseUsage(start: UsageReading, end: UsageReading): PhaseUsage {
  const seconds = (end.at - start.at) / 1000;
  return {
    serverCpu: (end.server - start.server) / seconds,
    databaseCpu: (end.database - start.database) / seconds,
    hostBusy: (end.host.busy - start.host.busy) / (end.host.total - start.host.total),
  };
}

/** Starts measuring a phase; the function returned ends it. */
export function measurePhase(serverCpuSeconds: () => number): () => PhaseUsage {
  const read = (): UsageReading => ({
    at: performance.now(),
    server: serverCpuSeconds(),
    database: databaseCpuSeconds(),
    host: hostTicksOf(readFileSync('/proc/stat', 'utf8')),
  });
  const start = read();
  return () => phaseUsage(start, read());
}
