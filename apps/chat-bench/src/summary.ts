import { LOADED_BASELINE } from './beside-load';
import {
  besideFaults,
  deliveryRatioMedian as ratio,
  fanoutMedian as fan,
  latencyMedian as p,
  Measurements,
  roomsLatencyMedian as roomsP,
  roomsMedian as rooms,
} from './measurements';
import type { SearchKind } from './message-corpus';
import type { PresenceResult } from './presence';
import { median } from './stats';

/** The run's figures and ratios, printed as the BENCH_RESULT line. */
export function summarize(m: Measurements) {
  return {
    fanout: { naive: fan(m, 'naive'), coalescing: fan(m, 'coalescing'), chat: fan(m, 'chat') },
    fanoutVsNaive: fan(m, 'chat') / fan(m, 'naive'),
    fanoutVsCoalescing: fan(m, 'chat') / fan(m, 'coalescing'),
    latencyP99: {
      naive: p(m, 'naive', 'p99'),
      coalescing: p(m, 'coalescing', 'p99'),
      chat: p(m, 'chat', 'p99'),
    },
    deliveryRatio: {
      naive: ratio(m, 'naive'),
      coalescing: ratio(m, 'coalescing'),
      chat: ratio(m, 'chat'),
    },
    idleBytesPerConnection: { naive: m.idle.get('naive')!, chat: m.idle.get('chat')! },
    idleVsNaive: m.idle.get('chat')! / m.idle.get('naive')!,
    history: {
      messages: m.history.messages,
      lastMessages: m.history.last,
      roomNewest: m.history.roomNewest,
      load: m.history.load,
      floor: m.history.baseline,
    },
    search: searchSummary(m),
    scaleOut: {
      twoInstances: median(m.scaleOut),
      vsOne: median(m.scaleOut) / fan(m, 'chat'),
      cpuPerDeliveryVsOne: m.scaleOutCost.ratio,
      roomEventsReceived: m.roomsSpread.instances,
    },
    deliveryCost: {
      micros: Object.fromEntries(m.deliveryCost.micros),
      vsCoalescing: m.deliveryCost.ratio,
    },
    overload: {
      offeredRate: m.overload.offeredRate,
      acknowledged: m.overload.acknowledged,
      refused: m.overload.refused,
      missing: m.overload.missing,
      ackRate: m.overload.ackRate,
    },
    rooms: {
      deliveries: { coalescing: rooms(m, 'coalescing'), chat: rooms(m, 'chat') },
      vsCoalescing: rooms(m, 'chat') / rooms(m, 'coalescing'),
      latencyP99: {
        coalescing: roomsP(m, 'coalescing', 'p99'),
        chat: roomsP(m, 'chat', 'p99'),
        [LOADED_BASELINE]: besideFaults(m).length > 0 ? null : roomsP(m, LOADED_BASELINE, 'p99'),
      },
      p99MoreThanCoalescing: roomsP(m, 'chat', 'p99') - roomsP(m, 'coalescing', 'p99'),
      misdelivered: {
        coalescing: m.rooms.misdelivered.get('coalescing')!,
        chat: m.rooms.misdelivered.get('chat')!,
      },
    },
    nginx: {
      sockets: m.nginx.sockets,
      idleVsBare: m.nginx.idleBytesPerConnection.instances / m.nginx.idleBytesPerConnection.bare,
      broadcastDelivered: m.nginx.broadcast.delivered,
      dropped: m.nginx.recovery.dropped,
      recovered: m.nginx.recovery.recovered,
      recoveryP99Ms: m.nginx.recovery.p99Ms,
    },
    presence: presenceSummary(m),
    seconds: Math.round(m.seconds),
  };
}

export type Summary = ReturnType<typeof summarize>;

/** Each search's matches, first page and latency, and how many messages the searcher reads. */
function searchSummary(m: Measurements) {
  const { readable, figures } = m.history.search;
  const each = (kind: SearchKind) => {
    const { query, matches, results, latency } = figures[kind];
    return { query, matches, results, p50: latency.p50, p95: latency.p95, p99: latency.p99 };
  };
  return { readable, rare: each('rare'), common: each('common'), prefix: each('prefix') };
}

function presenceSummary(m: Measurements) {
  const of = (figure: (r: PresenceResult) => number) => median(m.presence.map(figure));
  const framesPerChange = of((r) => r.frames / r.changes);
  const naivePerChange = of((r) => r.naiveFrames / r.changes);
  return {
    users: m.presence[0].users,
    connectMs: of((r) => r.connectMs),
    allOnlineMs: of((r) => r.allOnlineMs),
    roommatesOnlineMs: of((r) => r.roommatesOnlineMs),
    allOfflineMs: of((r) => r.allOfflineMs),
    framesPerChange,
    naiveFramesPerChange: naivePerChange,
    vsNaive: framesPerChange / naivePerChange,
  };
}
