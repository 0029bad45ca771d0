import { performance } from 'node:perf_hooks';
import { analyzeDatabase } from './bench-database';
import {
  BesideLoad,
  besideLoadSpec,
  BesideLoadSpec,
  LOADED_BASELINE,
  startBesideLoad,
} from './beside-load';
import { measurePhase, PhaseUsage } from './host-usage';
import { BenchProfile } from './bench-profile';
import { FanoutStep, halfRate, highestPassing } from './fanout-step';
import { searchRates } from './rate-search';
import { RoomLayout, roomLayout, roomOf } from './room-layout';
import { RoomLoadResult, runRoomLoad } from './room-load';
import { RoomUsers, setUpRooms } from './room-setup';
import { baselineWire, chatWire, RoomWire } from './room-wire';
import { metricOf, processUsage, RunningServer, ServerKind, untilQuiet } from './servers';

/** The servers the rooms scenario compares: the chat server and the baseline given the rooms. */
export const ROOMS_KINDS = ['coalescing', 'chat'] as const;
export type RoomsKind = (typeof ROOMS_KINDS)[number];
export type RoomsLatencyKind = RoomsKind | typeof LOADED_BASELINE;
export const ROOMS_LATENCY_KINDS: RoomsLatencyKind[] = [...ROOMS_KINDS, LOADED_BASELINE];
export type RoomStep = FanoutStep<RoomLoadResult>;
/**
 * A latency step, with what the server, PostgreSQL and the machine spent while it sent; for the
 * loaded baseline's, why the load beside it did not stand for the chat step's, if it fell short.
 */
export type RoomLatencyStep = RoomLoadResult & { sending: PhaseUsage; besideFault?: string };

/** What a step measures: its sending phase, with `around` called at its start and end. */
interface StepMeasure {
  sending?: PhaseUsage;
  besideFault?: string;
  around?: { start(): Promise<void>; end(): Promise<void> };
}

/** The chat server's counters of its inserts and of the messages they stored. */
const INSERTS = 'chat_message_write_duration_seconds_count';
const STORED = 'chat_messages_stored_total';

async function counter(server: RunningServer, series: string): Promise<number> {
  const value = await metricOf(server, series);
  if (value === undefined) throw new Error(`The chat server exports no ${series}`);
  return value;
}

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
  latency: Map<RoomsLatencyKind, RoomLatencyStep[]>;
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
    latency: new Map(ROOMS_LATENCY_KINDS.map((kind) => [kind, []])),
    misdelivered: new Map(ROOMS_KINDS.map((kind) => [kind, 0])),
    latencyRates: [],
    lastSteps: new Map(),
    users,
    layout,
  };
  /**
   * A step on `kind`'s server once `quiet` (and at most QUIET_MAX_MS) are done with sign-ins. Given
   * `measure`, its sending phase (from the first message until every delivery came, or the drain
   * gave up) is measured there, with `beside` running from just before it to its end.
   */
  const step = async (
    kind: RoomsKind,
    rate: number,
    durationMs: number,
    quiet: RunningServer[],
    measure?: StepMeasure,
    beside?: BesideLoadSpec,
  ): Promise<RoomStep> => {
    const server = servers.get(kind)!;
    const serverCpu = () => processUsage(server.process).cpuSeconds;
    const before = serverCpu();
    let endPhase: (() => PhaseUsage) | undefined;
    let load: BesideLoad | undefined;
    const stopLoad = async () => {
      const running = load;
      load = undefined;
      const fault = running && (await running.stop());
      if (fault && measure) measure.besideFault = fault;
    };
    let result: RoomLoadResult;
    try {
      result = await runRoomLoad({
        wsUrl: server.wsUrl,
        wire: wires[kind],
        layout,
        roomIds: users.roomIds,
        rate,
        durationMs,
        around: {
          before: async () => {
            await untilQuiet(quiet, QUIET_MAX_MS);
            if (beside) {
              try {
                load = await startBesideLoad(beside);
              } catch (error) {
                if (measure) measure.besideFault = (error as Error).message;
              }
            }
            if (!measure) return;
            await measure.around?.start();
            endPhase = measurePhase(serverCpu);
          },
          after: async () => {
            if (measure && endPhase) {
              measure.sending = endPhase();
              await measure.around?.end();
            }
            await stopLoad();
          },
        },
      });
    } finally {
      await stopLoad();
    }
    const misdelivered = rounds.misdelivered.get(kind)! + result.misdelivered;
    rounds.misdelivered.set(kind, misdelivered);
    return { rate, result, cpuSeconds: serverCpu() - before };
  };
  /** A latency step of `kind`, its sending phase measured. */
  const latencyStep = async (
    kind: RoomsKind,
    rate: number,
    both: RunningServer[],
    around?: StepMeasure['around'],
    beside?: BesideLoadSpec,
  ): Promise<RoomLatencyStep> => {
    const measure: StepMeasure = { around };
    const { result } = await step(kind, rate, profile.latencyMs, both, measure, beside);
    if (!measure.sending) throw new Error(`${kind}: the latency step's sending was not measured`);
    return { ...result, sending: measure.sending, besideFault: measure.besideFault };
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
    // The chat server's inserts over its step's sending phase.
    const chatServer = servers.get('chat')!;
    const counts = async () => {
      const at = performance.now();
      return {
        inserts: await counter(chatServer, INSERTS),
        stored: await counter(chatServer, STORED),
        at,
      };
    };
    let start = { inserts: 0, stored: 0, at: 0 };
    let chatWrites = { inserts: 0, stored: 0, seconds: 0 };
    const aroundChat = {
      start: async () => void (start = await counts()),
      end: async () => {
        const end = await counts();
        chatWrites = {
          inserts: end.inserts - start.inserts,
          stored: end.stored - start.stored,
          seconds: (end.at - start.at) / 1000,
        };
      },
    };
    for (const kind of round % 2 ? [...ROOMS_KINDS].reverse() : ROOMS_KINDS) {
      const around = kind === 'chat' ? aroundChat : undefined;
      rounds.latency.get(kind)!.push(await latencyStep(kind, rate, both, around));
    }
    // Last in each round, as it needs both steps' figures.
    const beside = besideLoadSpec(databaseUrl, {
      ...chatWrites,
      chatServerCpu: rounds.latency.get('chat')![round].sending.serverCpu,
      baselineServerCpu: rounds.latency.get('coalescing')![round].sending.serverCpu,
    });
    const loaded = await latencyStep('coalescing', rate, both, undefined, beside);
    rounds.latency.get(LOADED_BASELINE)!.push(loaded);
  }
  return rounds;
}
