import { RoomLayout, roomOf, senderOf } from './room-layout';
import { runRoomLoad } from './room-load';
import { RoomUsers } from './room-setup';
import { chatWire } from './room-wire';
import { cpuSecondsOf, metricOf, RunningServer, untilQuiet } from './servers';
import { median } from './stats';

/** The longest a step waits for the servers to finish with its sockets' sign-ins. */
const QUIET_MAX_MS = 5_000;

/** The rooms load on one chat instance and on two over Redis, at one rate. */
export interface RoomsScaleOutProfile {
  /** Messages per second, all rooms together. */
  rate: number;
  stepMs: number;
}

export interface InstanceReceipts {
  /** Rooms with at least one member's socket on this instance. */
  roomsHere: number;
  /** Messages sent (over the pair's last step) to those rooms. */
  sentToRoomsHere: number;
  /** Room-channel events Redis delivered to this instance over that step. */
  received: number;
}

export interface RoomsScaleOut {
  rate: number;
  /** Server CPU µs per delivered frame, median of the rounds: one instance, and the pair's sum. */
  oneMicros: number;
  pairMicros: number;
  /** Delivery ratio of the worst step. */
  worstRatio: number;
  instances: InstanceReceipts[];
}

/**
 * Which of two instances socket `socket` uses: a room's members all on one (rooms alternate),
 * except every fourth room, whose members alternate between the two.
 */
export function instanceOf(layout: RoomLayout, socket: number): 0 | 1 {
  const room = roomOf(layout, socket);
  return (isSplit(room) ? socket % 2 : room % 2) as 0 | 1;
}

const isSplit = (room: number) => room % 4 === 3;

/** Per instance, the rooms with a member there, and how many of the first `sent` messages they got. */
export function expectedReceipts(
  layout: RoomLayout,
  sent: number,
): Omit<InstanceReceipts, 'received'>[] {
  const here = (instance: number, room: number) => isSplit(room) || room % 2 === instance;
  return [0, 1].map((instance) => {
    let roomsHere = 0;
    for (let room = 0; room < layout.rooms; room++) if (here(instance, room)) roomsHere++;
    let sentToRoomsHere = 0;
    for (let k = 0; k < sent; k++) if (here(instance, senderOf(layout, k).room)) sentToRoomsHere++;
    return { roomsHere, sentToRoomsHere };
  });
}

/**
 * The rooms scenario's users (already set up in `databaseUrl`) send at one rate, first with every
 * socket on one chat instance, then spread over two instances joined by Redis (see instanceOf),
 * `rounds` times alternating. The server CPU of the sending phase alone (sockets open and settled)
 * per delivery is compared; the pair's instances also report, through their metrics, how many
 * room events Redis brought each of them.
 */
export async function roomsScaleOut(
  one: RunningServer,
  pair: RunningServer[],
  users: RoomUsers,
  layout: RoomLayout,
  profile: RoomsScaleOutProfile,
  rounds: number,
): Promise<RoomsScaleOut> {
  const wire = chatWire(users.tokens);
  const step = async (servers: RunningServer[], wsUrl: (socket: number) => string) => {
    const cpu = () => cpuSecondsOf(servers);
    let cpuBefore = 0;
    let cpuSeconds = 0;
    let receivedBefore: number[] = [];
    let received: number[] = [];
    const result = await runRoomLoad({
      wsUrl,
      wire,
      layout,
      roomIds: users.roomIds,
      rate: profile.rate,
      durationMs: profile.stepMs,
      around: {
        before: async () => {
          await untilQuiet(servers, QUIET_MAX_MS);
          receivedBefore = await Promise.all(servers.map(roomEventsReceived));
          cpuBefore = cpu();
        },
        after: async () => {
          cpuSeconds = cpu() - cpuBefore;
          received = (await Promise.all(servers.map(roomEventsReceived))).map(
            (count, i) => count - receivedBefore[i],
          );
        },
      },
    });
    return { result, micros: (cpuSeconds * 1e6) / Math.max(result.received, 1), received };
  };
  const oneMicros: number[] = [];
  const pairMicros: number[] = [];
  let worstRatio = 1;
  let instances: InstanceReceipts[] = [];
  for (let round = 0; round < rounds; round++) {
    const single = await step([one], () => one.wsUrl);
    const spread = await step(pair, (socket) => pair[instanceOf(layout, socket)].wsUrl);
    oneMicros.push(single.micros);
    pairMicros.push(spread.micros);
    worstRatio = Math.min(worstRatio, single.result.ratio, spread.result.ratio);
    instances = expectedReceipts(layout, spread.result.sent).map((expected, i) => ({
      ...expected,
      received: spread.received[i],
    }));
  }
  return {
    rate: profile.rate,
    oneMicros: median(oneMicros),
    pairMicros: median(pairMicros),
    worstRatio,
    instances,
  };
}

/** The instance's chat_bus_events_received_total{channel="room"} (none yet: 0). */
async function roomEventsReceived(server: RunningServer): Promise<number> {
  return (await metricOf(server, 'chat_bus_events_received_total{channel="room"}')) ?? 0;
}
