// What the whole machine and PostgreSQL spent while a step ran, from /proc (Linux). The servers'
// own CPU is only part of a step's cost on these shared cores: the chat server also makes
// PostgreSQL work for each message, and the load generator takes its share of both cores.
import { readdirSync, readFileSync } from 'node:fs';

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** The CPU seconds (user and system) in one /proc/<pid>/stat line. */
export function cpuSecondsOfStat(stat: string): number {
  // The command name (field 2) is in parentheses and may hold spaces: count fields after it.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}

/** The command name in one /proc/<pid>/stat line. */
export function commandOfStat(stat: string): string {
  return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
}

export interface HostTicks {
  /** Ticks the CPUs spent on anything but idling or waiting for I/O, all CPUs together. */
  busy: number;
  total: number;
}

/** The machine's ticks from /proc/stat's first line (`cpu  user nice system idle iowait ...`). */
export function hostTicksOf(procStat: string): HostTicks {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '));
  if (!line) throw new Error('/proc/stat has no cpu line');
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((sum, t) => sum + t, 0);
  const idle = ticks[3] + ticks[4];
  return { busy: total - idle, total };
}

export function hostTicks(): HostTicks {
  return hostTicksOf(readFileSync('/proc/stat', 'utf8'));
}

/**
 * CPU seconds used so far by every PostgreSQL process on this machine (the bench runs alone). A
 * process that ends between two readings takes its seconds with it: the pools' connections live
 * through a step.
 */
export function databaseCpuSeconds(): number {
  let seconds = 0;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // ended meanwhile
    }
    if (commandOfStat(stat) === 'postgres') seconds += cpuSecondsOfStat(stat);
  }
  return seconds;
}

/** A step's sending phase: each process's CPU as a share of one core, the machine's busy share. */
export interface PhaseUsage {
  serverCpu: number;
  databaseCpu: number;
  /** Of all the machine's cores together (1 = every core busy). */
  hostBusy: number;
}

interface UsageReading {
  at: number;
  server: number;
  database: number;
  host: HostTicks;
}

/** Starts measuring a phase; the function returned ends it. */
export function measurePhase(serverCpuSeconds: () => number): () => PhaseUsage {
  const read = (): UsageReading => ({
    at: performance.now(),
    server: serverCpuSeconds(),
    database: databaseCpuSeconds(),
    host: hostTicks(),
  });
  const start = read();
  return () => {
    const end = read();
    const seconds = (end.at - start.at) / 1000;
    return {
      serverCpu: (end.server - start.server) / seconds,
      databaseCpu: (end.database - start.database) / seconds,
      hostBusy: (end.host.busy - start.host.busy) / (end.host.total - start.host.total),
    };
  };
}
