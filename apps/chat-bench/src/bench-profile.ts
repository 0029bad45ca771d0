import type { DeliveryCostParams } from './delivery-cost';
import type { NginxStackProfile } from './nginx-stack';
import type { OverloadParams } from './overload';
import type { RoomsScaleOutProfile } from './rooms-scale-out';

/** The load of one run: every phase's size and length. */
export interface BenchProfile {
  /** Sockets in each fan-out and latency step. */
  connections: number;
  /** Of those sockets, how many send. */
  senders: number;
  /** The fan-out search's rates (messages/s, all senders together), tried in order. */
  rates: number[];
  stepMs: number;
  /** Alternating rounds of each phase; every figure is a median over them. */
  rounds: number;
  latencyRate: number;
  latencyMs: number;
  /** Connections opened to read idle memory per connection. */
  idle: number;
  /**
   * How long a fresh server runs before its idle memory is first read. V8's memory reducer gives
   * pooled pages back some 8 s after start: a bare baseline's resident memory fell 4.9 MB at 9 s
   * (not at all under --no-memory-reducer), which, read before, counted against its connections.
   */
  idleStartMs: number;
  /** Messages stored before the history requests. */
  history: number;
  /** Requests per route in each history round (and in the warm-up). */
  historyRequests: number;
  rooms: RoomsProfile;
  /** The rooms load on one instance and on two over Redis (CPU per delivery, what Redis brings). */
  roomsScaleOut: RoomsScaleOutProfile;
  /** One step above the highest sustainable fan-out rate: acknowledged, delivered, refused. */
  overload: OverloadParams;
  /** Server CPU per delivery at one steady fan-out rate (also the scale-out pair against one). */
  deliveryCost: DeliveryCostParams;
  /** Sockets through nginx over two instances: memory, a broadcast, reconnection after a kill. */
  nginx: NginxStackProfile;
  /** Frames handed to one SDK client to time its cost per frame. */
  sdkFrames: number;
  presence: PresenceProfile;
}

/** The presence scenario: users in rooms of roomSize (and general) connecting at once. */
export interface PresenceProfile {
  users: number;
  roomSize: number;
  /** The server's PRESENCE_ROOM_LIMIT: rooms above it get counts, not each member's status. */
  roomLimit: number;
}

/** The rooms scenario: C sockets (one user each) in R = C / M rooms of M, all also in general. */
export interface RoomsProfile {
  connections: number;
  roomSize: number;
  /**
   * The search's rates (messages/s, all rooms together), tried in order; latency is read at the
   * highest of them at most half the chat server's highest passing one (see halfRate).
   */
  rates: number[];
}

/** `--smoke`: every phase, small and short, to check the bench itself works. */
const SMOKE: BenchProfile = {
  connections: 50,
  senders: 5,
  rates: [20, 40],
  stepMs: 1_000,
  rounds: 1,
  latencyRate: 10,
  latencyMs: 1_000,
  // A reading's noise is a few MB of the process's own (a fresh server may hand pages back to the
  // system while it is read): 1,000 sockets' growth of about 4 MB once came out negative in CI.
  idle: 3_000,
  // Shorter than the reducer's delay, to keep smoke under 2 minutes; its figures only show the
  // phase works.
  idleStartMs: 1_000,
  history: 2_000,
  historyRequests: 20,
  rooms: { connections: 40, roomSize: 10, rates: [20, 40] },
  roomsScaleOut: { rate: 20, stepMs: 1_000 },
  overload: { connections: 50, senders: 5, stepMs: 1_000, drainMs: 5_000, factor: 1.5 },
  // Enough frames that the server's CPU is tens of clock ticks (10 ms each), not one or none.
  deliveryCost: { connections: 200, senders: 5, rate: 100, stepMs: 1_000, rounds: 1 },
  nginx: { sockets: 100 },
  sdkFrames: 2_000,
  presence: { users: 40, roomSize: 10, roomLimit: 20 },
};

const FULL: BenchProfile = {
  connections: 1_000,
  senders: 10,
  rates: [25, 35, 50, 70, 100, 140, 200, 280, 400, 560, 800, 1120, 1600],
  stepMs: 3_000,
  rounds: 3,
  latencyRate: 20,
  latencyMs: 8_000,
  idle: 10_000,
  idleStartMs: 10_000,
  history: 1_000_000,
  historyRequests: 2_000,
  rooms: {
    connections: 5_000,
    roomSize: 10,
    rates: [400, 560, 800, 1120, 1600, 2240, 3200, 4480, 6400, 8960, 12800],
  },
  roomsScaleOut: { rate: 800, stepMs: 10_000 },
  overload: { connections: 1_000, senders: 10, stepMs: 5_000, drainMs: 60_000, factor: 1.5 },
  deliveryCost: { connections: 1_000, senders: 10, rate: 200, stepMs: 10_000, rounds: 3 },
  nginx: { sockets: 10_000 },
  sdkFrames: 50_000,
  presence: { users: 1_000, roomSize: 10, roomLimit: 100 },
};

export function benchProfile(smoke: boolean): BenchProfile {
  return smoke ? SMOKE : FULL;
}
