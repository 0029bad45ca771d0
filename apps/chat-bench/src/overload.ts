import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { openAckedSenders } from './acked-senders';
import { readMessageNumber, readReply, sendFrame } from './acked-wire';
import { OverloadLedger } from './overload-ledger';
import { closeSockets, openSockets } from './load';
import { paced } from './pacing';
import { RunningServer } from './servers';

/** The general room: every user's v2 socket is in it, and it is all a compat socket sees. */
const GENERAL_ROOM = 1;
/** Between opening the sockets and the first message, so the step measures traffic. */
const SETTLE_MS = 500;
const POLL_MS = 20;
/** A drain ends once nothing has arrived for this long: what is missing then is lost, not late. */
export const QUIET_MS = 2_000;

export interface OverloadParams {
  /** Sockets in all, the senders among them. */
  connections: number;
  senders: number;
  stepMs: number;
  /**
   * The longest wait after the step for the answers and deliveries still on their way; it ends
   * sooner when all came, or when nothing came for QUIET_MS.
   */
  drainMs: number;
  /** The rate offered, as a multiple of the highest sustainable one (the issue asks 1.5). */
  factor: number;
}

export interface OverloadResult {
  /** Messages/s the server sustains (from the fan-out search), and what was offered. */
  sustainableRate: number;
  offeredRate: number;
  /** Frames the senders wrote. */
  offered: number;
  acknowledged: number;
  /** Error answers, by code. */
  refused: Record<string, number>;
  /** Frames neither acknowledged nor refused when the drain ended. */
  unanswered: number;
  /** Sent frames not yet answered when the step's sending ended: how far senders were held back. */
  backlogAtEnd: number;
  /** Acknowledgements per second, from the first frame sent to the last ack. */
  ackRate: number;
  /** Messages that reached a socket (each socket and message once). */
  delivered: number;
  /** Acknowledged messages times sockets: every one should arrive at every socket. */
  expected: number;
  /** Acknowledged messages missing at a socket, summed over the sockets. */
  missing: number;
  socketsMissing: number;
  duplicates: number;
  /** Sockets the server closed (a slow consumer cut off, say) before the step ended them. */
  closedByServer: number;
  /** From the end of the sending to the end of the drain. */
  drainedMs: number;
  /** Frames were still arriving when the drain reached its bound: what is missing may be late. */
  stillArriving: boolean;
}

/**
 * One step above what the server sustains: `senders` chat.v2 sockets send to the general room
 * open-loop at `factor` times `sustainableRate` for `stepMs`, each message with its own req and
 * client_id; every socket (the senders and compat receivers) records which messages reach it.
 * Afterwards every acknowledged message is looked for at every socket.
 */
export async function overloadStep(
  server: RunningServer,
  tokens: string[],
  params: OverloadParams,
  sustainableRate: number,
): Promise<OverloadResult> {
  const offeredRate = Math.max(1, Math.round(sustainableRate * params.factor));
  const capacity = Math.ceil((offeredRate * params.stepMs) / 1000);
  const ledger = new OverloadLedger(params.connections, capacity);
  const ackedNumbers: number[] = [];
  const refused: Record<string, number> = {};
  let answered = 0;
  let lastAckAt = 0;
  let lastFrameAt = 0;
  const onFrame = (socket: number, frame: Buffer) => {
    lastFrameAt = performance.now();
    const reply = readReply(frame);
    if (reply === null) {
      const message = readMessageNumber(frame);
      if (message >= 0) ledger.record(socket, message);
      return;
    }
    // An error without req (a ban, say) answers no frame, though it is counted as a refusal.
    if (reply.req !== undefined) answered++;
    if (reply.kind === 'ack') {
      ackedNumbers.push(Number(reply.req));
      lastAckAt = performance.now();
    } else {
      refused[reply.code] = (refused[reply.code] ?? 0) + 1;
    }
  };

  const senderTokens = Array.from({ length: params.senders }, (_, i) => tokens[i % tokens.length]);
  const senders = await openAckedSenders(server.wsUrl, senderTokens, onFrame);
  // Compat receivers: nothing comes to them before the first message is sent.
  const receivers = await openSockets(() => server.wsUrl, params.connections - params.senders);
  const sockets = [...senders, ...receivers];
  let closedByServer = 0;
  let ending = false;
  sockets.forEach((socket, index) => {
    if (index >= params.senders) socket.on('message', (data: Buffer) => onFrame(index, data));
    socket.on('error', () => undefined); // a reset after a close by the server, counted below
    socket.on('close', () => {
      if (!ending) closedByServer++;
    });
  });
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

  const started = performance.now();
  let offered = 0;
  await paced(offeredRate, params.stepMs, (k) => {
    const sender = senders[k % senders.length];
    if (sender.readyState !== WebSocket.OPEN) return;
    sender.send(sendFrame(GENERAL_ROOM, k));
    offered++;
  });
  const sendingEnded = performance.now();
  const backlogAtEnd = offered - answered;
  const done = () =>
    answered >= offered && ledger.delivered >= ackedNumbers.length * params.connections;
  const quiet = () => performance.now() - Math.max(lastFrameAt, sendingEnded) >= QUIET_MS;
  while (!done() && !quiet() && performance.now() - sendingEnded < params.drainMs) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  const drainedMs = performance.now() - sendingEnded;
  const stillArriving = !done() && !quiet();
  ending = true;
  await closeSockets(sockets);

  return {
    sustainableRate,
    offeredRate,
    offered,
    acknowledged: ackedNumbers.length,
    refused,
    unanswered: offered - answered,
    backlogAtEnd,
    ackRate: lastAckAt > started ? ackedNumbers.length / ((lastAckAt - started) / 1000) : 0,
    delivered: ledger.delivered,
    expected: ackedNumbers.length * params.connections,
    missing: ledger.missing(ackedNumbers),
    socketsMissing: ledger.socketsMissing(ackedNumbers),
    duplicates: ledger.duplicates,
    closedByServer,
    drainedMs,
    stillArriving,
  };
}
