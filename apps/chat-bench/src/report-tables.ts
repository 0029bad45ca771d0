// The tables of BENCHMARKS.md, one markdown line per row.
import type { BenchProfile } from './bench-profile';
import { LOADED_BASELINE } from './beside-load';
import type { FanoutStep } from './fanout-step';
import { fixed as f, percent, thousands as k } from './format';
import type { HistoryLatency } from './history-latency';
import type { SearchKind } from './message-corpus';
import {
  besideFaults,
  deliveryRatioMedian as ratio,
  fanoutMedian as fan,
  latencyMedian as p,
  Measurements,
  roomsLatencyMedian as roomsP,
  roomsMedian as rooms,
  roomsRatioMedian as roomsRatio,
} from './measurements';
import { latencyRates } from './report-round-two';
import type { RoomStep } from './rooms';
import type { Percentiles } from './stats';
import type { Summary } from './summary';

/** The three servers side by side: fan-out, latency, delivery, idle memory, scale-out, rooms. */
export function measuresTable(m: Measurements, summary: Summary, profile: BenchProfile): string[] {
  return [
    '| measure | naive | coalescing | chat server | chat / naive | chat / coalescing |',
    '|---|---|---|---|---|---|',
    `| fan-out: highest sustained deliveries/s (C=${profile.connections}, S=${profile.senders}) | ${k(fan(m, 'naive'))} | ${k(fan(m, 'coalescing'))} | ${k(fan(m, 'chat'))} | ${f(summary.fanoutVsNaive, 2)}x | ${f(summary.fanoutVsCoalescing, 2)}x |`,
    ...(['p50', 'p95', 'p99', 'max'] as const).map(
      (key) =>
        `| latency ${key} at R=${profile.latencyRate} msg/s (ms) | ${f(p(m, 'naive', key))} | ${f(p(m, 'coalescing', key))} | ${f(p(m, 'chat', key))} | ${f(p(m, 'chat', key) - p(m, 'naive', key))} ms more | |`,
    ),
    `| delivery ratio at R=${profile.latencyRate} | ${f(ratio(m, 'naive'), 4)} | ${f(ratio(m, 'coalescing'), 4)} | ${f(ratio(m, 'chat'), 4)} | | |`,
    `| idle RSS growth per connection (bytes, ${k(profile.idle)} connections) | ${k(m.idle.get('naive')!)} | | ${k(m.idle.get('chat')!)} | ${f(summary.idleVsNaive, 2)}x | |`,
    `| scale-out: deliveries/s with two instances over Redis | | | ${k(summary.scaleOut.twoInstances)} | ${f(summary.scaleOut.vsOne, 2)}x one instance | |`,
    ...roomsRows(m, summary, profile),
  ];
}

/** The rooms scenario's rows: the chat server against the coalescing baseline given the rooms. */
function roomsRows(m: Measurements, summary: Summary, profile: BenchProfile): string[] {
  const { connections, roomSize } = profile.rooms;
  const at = `at R=${latencyRates(m)} msg/s`;
  return [
    `| rooms: highest sustained deliveries/s (C=${k(connections)} in ${k(connections / roomSize)} rooms of ${roomSize}, all in general) | | ${k(rooms(m, 'coalescing'))} | ${k(rooms(m, 'chat'))} | | ${f(summary.rooms.vsCoalescing, 2)}x |`,
    ...(['p50', 'p99'] as const).map(
      (key) =>
        `| rooms: latency ${key} ${at} (ms) | | ${f(roomsP(m, 'coalescing', key))} | ${f(roomsP(m, 'chat', key))} | | ${f(roomsP(m, 'chat', key) - roomsP(m, 'coalescing', key))} ms more |`,
    ),
    loadedRow(m, at),
    `| rooms: delivery ratio ${at} | | ${f(roomsRatio(m, 'coalescing'), 4)} | ${f(roomsRatio(m, 'chat'), 4)} | | |`,
    `| rooms: mis-deliveries (at a socket outside the message's room, all steps) | | ${k(summary.rooms.misdelivered.coalescing)} | ${k(summary.rooms.misdelivered.chat)} | | |`,
  ];
}

/** The baseline's p99 with the chat step's load beside it, unless that load fell short. */
function loadedRow(m: Measurements, at: string): string {
  const label = `| rooms: latency p99 ${at} of the coalescing baseline with the chat step's load beside it (ms) | |`;
  const faults = besideFaults(m);
  if (faults.length > 0) return `${label} n/a | | | not measured (${faults.join('; ')}) |`;
  const loaded = roomsP(m, LOADED_BASELINE, 'p99');
  return `${label} ${f(loaded)} | | | chat ${f(roomsP(m, 'chat', 'p99') - loaded)} ms more |`;
}

export function historyTable(history: HistoryLatency): string[] {
  return [
    '| request (with ' + k(history.messages) + ' stored messages) | p50 ms | p99 ms | max ms |',
    '|---|---|---|---|',
    `| GET /routers/last_messages | ${f(history.last.p50, 2)} | ${f(history.last.p99, 2)} | ${f(history.last.max, 2)} |`,
    `| GET /api/v1/rooms/1/messages (newest page, v2) | ${f(history.roomNewest.p50, 2)} | ${f(history.roomNewest.p99, 2)} | ${f(history.roomNewest.max, 2)} |`,
    `| POST /routers/load (random id) | ${f(history.load.p50, 2)} | ${f(history.load.p99, 2)} | ${f(history.load.max, 2)} |`,
    `| baseline: bare Node HTTP server, same client | ${f(history.baseline.p50, 2)} | ${f(history.baseline.p99, 2)} | ${f(history.baseline.max, 2)} |`,
  ];
}

const SEARCH_LABELS: Record<SearchKind, string> = {
  rare: 'rare word',
  common: 'common word',
  prefix: 'prefix',
};

/** Issue #20's target for each search: p95 under this. */
const SEARCH_P95_TARGET_MS = 50;

/** The searches beside the history routes and the bare-HTTP floor of the same rounds. */
export function searchTable(history: HistoryLatency): string[] {
  const { readable, figures } = history.search;
  const cells = (p: Percentiles) => `${f(p.p50, 2)} | ${f(p.p95, 2)} | ${f(p.p99, 2)} |`;
  const share = (matches: number) => `${f((100 * matches) / readable, 2)}%`;
  return [
    `| search: GET /api/v1/search, first page (${k(history.messages)} stored messages, ${k(readable)} readable by the searcher) | matching messages | results | p50 ms | p95 ms | p99 ms |`,
    '|---|---|---|---|---|---|',
    ...(Object.keys(SEARCH_LABELS) as SearchKind[]).map((kind) => {
      const figure = figures[kind];
      const source = figure.words === 0 ? 'planted' : `${figure.words} vocabulary words`;
      return `| ${SEARCH_LABELS[kind]} \`${figure.query}\` (${source}) | ${k(figure.matches)} (${share(figure.matches)}) | ${figure.results} | ${cells(figure.latency)}`;
    }),
    `| GET /routers/last_messages, same rounds | | | ${cells(history.last)}`,
    `| GET /api/v1/rooms/1/messages (newest page, v2), same rounds | | | ${cells(history.roomNewest)}`,
    `| POST /routers/load (random id), same rounds | | | ${cells(history.load)}`,
    `| baseline: bare Node HTTP server, same client | | | ${cells(history.baseline)}`,
  ];
}

/** The worst of the searches' p95, in ms. */
function searchP95Worst(history: HistoryLatency): number {
  return Math.max(...Object.values(history.search.figures).map((figure) => figure.latency.p95));
}

export const verdict = (met: boolean) => (met ? 'met' : '**not met**');

/**
 * The targets of issue #7 (and the rooms' rule of issue #17, the search's of #20), each met or
 * not; #7's history and scale-out targets gave way to issue #22's (see roundTwoTargets).
 */
export function targetsTable(m: Measurements, summary: Summary): string[] {
  const chatP99 = p(m, 'chat', 'p99');
  const naiveP99 = p(m, 'naive', 'p99');
  return [
    '| target (issue #7; rooms: issue #17; search: issue #20) | measured | |',
    '|---|---|---|',
    `| fan-out at least 1.0x naive | ${f(summary.fanoutVsNaive, 2)}x | ${verdict(summary.fanoutVsNaive >= 1)} |`,
    `| fan-out at least 0.3x coalescing | ${f(summary.fanoutVsCoalescing, 2)}x | ${verdict(summary.fanoutVsCoalescing >= 0.3)} |`,
    `| latency p99 at most naive + 10 ms | ${f(chatP99 - naiveP99)} ms more | ${verdict(chatP99 <= naiveP99 + 10)} |`,
    `| idle memory at most 1.5x the baseline | ${f(summary.idleVsNaive, 2)}x | ${verdict(summary.idleVsNaive <= 1.5)} |`,
    `| search p95 under ${SEARCH_P95_TARGET_MS} ms for each of rare word, common word, prefix | ${searchP95s(m.history)} | ${verdict(searchP95Worst(m.history) < SEARCH_P95_TARGET_MS)} |`,
    `| rooms: no message delivered outside its room | ${k(summary.rooms.misdelivered.chat)} mis-deliveries | ${verdict(summary.rooms.misdelivered.chat === 0)} |`,
  ];
}

function searchP95s(history: HistoryLatency): string {
  const { rare, common, prefix } = history.search.figures;
  return `${[rare, common, prefix].map((figure) => f(figure.latency.p95, 2)).join(' / ')} ms`;
}

/** The rows (no header) of the last round's fan-out steps, server CPU as a share of one core. */
export function stepRows(m: Measurements, profile: BenchProfile): string[] {
  return [...m.fanoutSteps.entries()].flatMap(([kind, list]) =>
    list.map((s) => `${stepCells(kind, s, profile)} |`),
  );
}

/** The rows (no header) of the last round's rooms steps, with the mis-deliveries of each. */
export function roomStepRows(m: Measurements, profile: BenchProfile): string[] {
  return [...m.rooms.lastSteps.entries()].flatMap(([kind, list]) =>
    list.map((s: RoomStep) => `${stepCells(kind, s, profile)} ${k(s.result.misdelivered)} |`),
  );
}

/** The rows (no header) of every round's rooms latency step, one per server. */
export function roomLatencyRows(m: Measurements): string[] {
  return m.rooms.latencyRates.flatMap((rate, round) =>
    [...m.rooms.latency.entries()].map(([kind, results]) => {
      const r = results[round];
      const { serverCpu, databaseCpu, hostBusy } = r.sending;
      const label = r.besideFault ? `${kind} (not measured: ${r.besideFault})` : kind;
      return `| ${round + 1} | ${label} | ${rate} | ${f(r.ratio, 4)} | ${f(r.latencyMs.p50)} | ${f(r.latencyMs.p99)} | ${k(r.misdelivered)} | ${percent(serverCpu)} | ${percent(databaseCpu)} | ${percent(hostBusy)} |`;
    }),
  );
}

function stepCells(label: string, s: FanoutStep, profile: BenchProfile): string {
  return `| ${label} | ${s.rate} | ${k(s.result.deliveriesPerSecond)} | ${f(s.result.ratio, 4)} | ${f(s.result.latencyMs.p50)} | ${f(s.result.latencyMs.p99)} | ${percent(s.cpuSeconds / (profile.stepMs / 1000))} |`;
}

/** The presence scenario: how soon a watcher sees everyone, and frames per change against naive. */
export function presenceTable(summary: Summary, profile: BenchProfile): string[] {
  const p = summary.presence;
  const { users, roomSize, roomLimit } = profile.presence;
  return [
    `| presence (${k(users)} users in rooms of ${roomSize} and general, limit ${roomLimit}) | measured |`,
    '|---|---|',
    `| all ${k(users - 1)} others signed in (ms from the first connect) | ${f(p.connectMs, 0)} |`,
    `| the watcher's general room counts all ${k(users)} online (ms) | ${f(p.allOnlineMs, 0)} |`,
    `| the watcher has each of its ${roomSize - 1} roommates online (ms) | ${f(p.roommatesOnlineMs, 0)} |`,
    `| all others left: the watcher's count back to 1 (ms from the closes) | ${f(p.allOfflineMs, 0)} |`,
    `| presence frames sent per change | ${f(p.framesPerChange, 2)} |`,
    `| naive design (every change to every signed-in socket) per change | ${f(p.naiveFramesPerChange, 1)} |`,
    `| frames against the naive design | ${f(p.vsNaive, 4)}x |`,
  ];
}
