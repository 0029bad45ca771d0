import type { DeliveryCost } from './delivery-cost';
import type { FanoutStep } from './fanout-step';
import type { HistoryLatency } from './history-latency';
import type { LoadResult } from './load';
import type { NginxStackResult } from './nginx-stack';
import type { OverloadResult } from './overload';
import type { PresenceResult } from './presence';
import { LOADED_BASELINE } from './beside-load';
import type { RoomsKind, RoomsLatencyKind, RoomsRounds } from './rooms';
import type { RoomsScaleOut } from './rooms-scale-out';
import type { SdkCost } from './sdk-cost';
import type { ServerKind } from './servers';
import { median } from './stats';

/** Everything one run measured, the report's input. */
export interface Measurements {
  /** Per kind, the highest passing fan-out of each round (deliveries/s). */
  fanout: Map<ServerKind, number[]>;
  /** The last round's fan-out steps, per server (or pair of servers). */
  fanoutSteps: Map<string, FanoutStep[]>;
  latency: Map<ServerKind, LoadResult[]>;
  /** Idle RSS growth per connection (bytes). */
  idle: Map<ServerKind, number>;
  history: HistoryLatency;
  /** Highest passing fan-out of two chat instances over Redis, per round. */
  scaleOut: number[];
  /** CPU per delivery of one chat instance, then of the pair over Redis, at one steady rate. */
  scaleOutCost: DeliveryCost;
  /** CPU per delivery at one steady rate: the coalescing baseline, then the chat server. */
  deliveryCost: DeliveryCost;
  /** One fan-out step above the chat server's highest sustainable rate. */
  overload: OverloadResult;
  /** Sockets through nginx over two instances: memory, a broadcast, one instance killed. */
  nginx: NginxStackResult;
  /** The rooms scenario, on the chat server and the coalescing baseline given the same rooms. */
  rooms: RoomsRounds;
  /** The rooms on one instance and spread over two: CPU per delivery, and what Redis brought. */
  roomsSpread: RoomsScaleOut;
  /** The presence scenario, one result per round. */
  presence: PresenceResult[];
  /** The SDK's cost per received frame, which keeps it out of the load's sockets. */
  sdk: SdkCost;
  seconds: number;
  machine: string;
}

export type LatencyKey = 'p50' | 'p95' | 'p99' | 'max';

export function fanoutMedian(m: Measurements, kind: ServerKind): number {
  return median(m.fanout.get(kind)!);
}

export function latencyMedian(m: Measurements, kind: ServerKind, key: LatencyKey): number {
  return median(m.latency.get(kind)!.map((r) => r.latencyMs[key]));
}

export function deliveryRatioMedian(m: Measurements, kind: ServerKind): number {
  return median(m.latency.get(kind)!.map((r) => r.ratio));
}

export function roomsMedian(m: Measurements, kind: RoomsKind): number {
  return median(m.rooms.highest.get(kind)!);
}

export function roomsLatencyMedian(
  m: Measurements,
  kind: RoomsLatencyKind,
  key: LatencyKey,
): number {
  return median(m.rooms.latency.get(kind)!.map((r) => r.latencyMs[key]));
}

/** The median over rounds of the machine's busy share while `kind`'s rooms latency step sent. */
export function roomsBusyMedian(m: Measurements, kind: RoomsLatencyKind): number {
  return median(m.rooms.latency.get(kind)!.map((r) => r.sending.hostBusy));
}

export function roomsRatioMedian(m: Measurements, kind: RoomsLatencyKind): number {
  return median(m.rooms.latency.get(kind)!.map((r) => r.ratio));
}

/** The rounds whose loaded baseline step had a load beside it that fell short, and why. */
export function besideFaults(m: Measurements): string[] {
  return m.rooms.latency
    .get(LOADED_BASELINE)!
    .flatMap((step, round) =>
      step.besideFault ? [`round ${round + 1}: ${step.besideFault}`] : [],
    );
}
