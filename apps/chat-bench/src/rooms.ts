import { analyzeDatabase } from './bench-database';
import { measurePhase, PhaseUsage } from './host-usage';
import { BenchProfile } from './bench-profile';
import { FanoutStep, halfRate, highestPassing } from './fanout-step';
import { searchRates } from './rate-search';
import { RoomLayout, roomLayout, roomOf } from './room-layout';
import { RoomLoadResult, runRoomLoad } from './room-load';
import { RoomUsers, setUpRooms } from './room-setup';
import { baselineWire, chatWire, RoomWire } from './room-wire';
import { processUsage, RunningServer, ServerKind, untilQuiet } from './servers';

/** The servers the rooms scenario compares: the chat server and the baseline given the rooms. */
export const ROOMS_KINDS = ['coalescing', 'chat'] as const;
export type RoomsKind = (typeof ROOMS_KINDS)[number];
export type RoomStep = FanoutStep<RoomLoadResult>;
/** A latency step, with what the server, PostgreSQL and the machine spent while it sent. */
export type RoomLatencyStep = RoomLoadResult & { sending: PhaseUsage };

/** The longest a step waits for a server to finish with its sockets' sign-ins. */
const QUIET_MAX_MS = 5_000;

/** The general room's id, which every user is in (the baseline is told the same). */
const GENERAL_ROOM = 1;

export interface RoomsRounds {
  /** Per kind, the highest passing deliveries/s of each round. */
  highest: Map<RoomsKind, number[]>;
  /**
   * Per kind, each round's latency step: at half the chat server's highest passing rate of the
   * round (see halfRate), as long as the one-room latency step (profile.latencyMs); the rates, by
   * round.
   */
  latency: Map<RoomsKind, RoomLatencyStep[]>;
  latencyRates: number[];
  /** Per kind, messages that reached a socket outside their room, over every step of every round. */
  misdelivered: Map<RoomsKind, number>;
  /** Per kind, the steps of the last round. */
  lastSteps: Map<RoomsKind, RoomStep[]>;
  /** The users and rooms, for later phases on the same database. */
  users: RoomUsers;
  layout: RoomLayout;
}

/**
 * The rooms scenario: users in rooms (and general) on the chat server, the same rooms given to the
 * coalescing baseline, then the rate search on each, `rounds` times, the servers alternating.
 */
export async function roomsRounds(
  servers: Map<ServerKind, RunningServer>,
  profile: BenchProfile,
  databaseUrl: string,
): Promise<RoomsRounds> {
  const layout = roomLayout(profile.rooms.connections, profile.rooms.roomSize);
  const users = await setUpRooms(servers.get('chat')!.httpUrl, layout);
  await analyzeDatabase(databaseUrl);
  const wires: Record<RoomsKind, RoomWire> = {
    chat: chatWire(users.tokens),
    coalescing: baselineWire((socket) => [GENERAL_ROOM, users.roomIds[roomOf(layout, socket)]]),
  };
  const rounds: RoomsRounds = {
    highest: new Map(ROOMS_KINDS.map((kind) => [kind, []])),
    latency: new Map(ROOMS_KINDS.map((kind) => [kind, []])),
    misdelivered: new Map(ROOMS_KINDS.map((kind) => [kind, 0])),
    latencyRates: [],
    lastSteps: new Map(),
    users,
    layout,
  };
  /**
   * A step on `kind`'s server once `quiet` (and at most QUIET_MAX_MS) are done with sign-ins. Given
   * `measured`, its sending phase (from the first message until every delivery came, or the drain
   * gave up) is measured there.
   */
  const step = async (
    kind: RoomsKind,
    rate: number,
    durationMs: number,
    quiet: RunningServer[],
    measured?: { sending?: PhaseUsage },
  ): Promise<RoomStep> => {
    const server = servers.get(kind)!;
    const serverCpu = () => processUsage(server.process).cpuSeconds;
    const before = serverCpu();
    let endPhase: (() => PhaseUsage) | undefined;
    const result = await runRoomLoad({
      wsUrl: server.wsUrl,
      wire: wires[kind],
      layout,
      roomIds: users.roomIds,
      rate,
      durationMs,
      around: {
        before: async () => {
          await untilQuiet(quiet, QUIET_MAX_MS);
          if (measured) endPhase = measurePhase(serverCpu);
        },
        after: async () => {
          if (measured && endPhase) measured.sending = endPhase();
        },
      },
    });
    const misdelivered = rounds.misdelivered.get(kind)! + result.misdelivered;
    rounds.misdelivered.set(kind, misdelivered);
    return { rate, result, cpuSeconds: serverCpu() - before };
  };
  for (let round = 0; round < profile.rounds; round++) {
    for (const kind of ROOMS_KINDS) {
      const server = servers.get(kind)!;
      const steps = await searchRates(profile.rooms.rates, (rate) =>
        step(kind, rate, profile.stepMs, [server]),
      );
      rounds.highest.get(kind)!.push(highestPassing(steps));
      rounds.lastSteps.set(kind, steps);
    }
    // A step of its own rather than the search's (stepMs): the p99 of 3 s of sending was that of
    // its slowest 30 ms, one stall of the server, the database or the load generator. The servers
    // take turns, the order reversed each round, and each step waits for both to be quiet, so
    // neither always follows the other's saturated search.
    const rate = halfRate(profile.rooms.rates, rounds.lastSteps.get('chat')!);
    rounds.latencyRates.push(rate);
    const both = ROOMS_KINDS.map((kind) => servers.get(kind)!);
    for (const kind of round % 2 ? [...ROOMS_KINDS].reverse() : ROOMS_KINDS) {
      const measured: { sending?: PhaseUsage } = {};
      const { result } = await step(kind, rate, profile.latencyMs, both, measured);
      if (!measured.sending)
        throw new Error(`${kind}: the latency step's sending was not measured`);
      rounds.latency.get(kind)!.push({ ...result, sending: measured.sending });
    }
  }
  return rounds;
}
