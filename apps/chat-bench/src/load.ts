import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import { drain, paced } from './pacing';
import { percentiles, Percentiles } from './stats';

export interface LoadSpec {
  /** Socket i connects to wsUrls[i % wsUrls.length] (several for several instances). */
  wsUrls: string[];
  connections: number;
  senders: number;
  /** Messages per second, all senders together. */
  rate: number;
  durationMs: number;
  /** Sender tokens, given at connect (the chat server needs them; the baselines ignore them). */
  senderTokens?: string[];
}

export interface LoadResult {
  sent: number;
  received: number;
  expected: number;
  ratio: number;
  deliveriesPerSecond: number;
  latencyMs: Percentiles;
  errors: number;
}

const CONNECT_BATCH = 100;
/** Between opening the sockets and the first message, so a step measures traffic, not handshakes. */
const SETTLE_MS = 500;
const MARK = Buffer.from('"bench:');
/** A handshake not answered by then fails the step rather than hanging the bench. */
const HANDSHAKE_TIMEOUT_MS = 30_000;

/** Opens `count` sockets, `CONNECT_BATCH` at a time. */
export async function openSockets(
  url: (index: number) => string,
  count: number,
  onMessage?: (data: Buffer) => void,
): Promise<WebSocket[]> {
  const sockets: WebSocket[] = [];
  for (let start = 0; start < count; start += CONNECT_BATCH) {
    const batch = Array.from({ length: Math.min(CONNECT_BATCH, count - start) }, (_, i) => {
      const socket = new WebSocket(url(start + i), {
        perMessageDeflate: false,
        handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      });
      if (onMessage) socket.on('message', (data) => onMessage(data as Buffer));
      return new Promise<WebSocket>((resolve, reject) => {
        socket.once('open', () => resolve(socket));
        socket.once('error', reject);
      });
    });
    sockets.push(...(await Promise.all(batch)));
  }
  return sockets;
}

export async function closeSockets(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve();
          socket.once('close', () => resolve());
          socket.terminate();
        }),
    ),
  );
}

/**
 * C sockets, S of them sending at a total rate R for a bounded time; every socket counts what it
 * receives and, from the send time carried in the text, how long each message took to arrive.
 */
export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  let received = 0;
  let errors = 0;
  // Sized for every expected delivery up front, and read without building strings: the generator's
  // own garbage collections would otherwise show up as the servers' latency.
  const expectedDeliveries = Math.ceil((spec.rate * spec.durationMs) / 1000) * spec.connections;
  const latencies = new Float64Array(expectedDeliveries);
  const onMessage = (data: Buffer) => {
    const at = data.indexOf(MARK);
    if (at < 0) return; // a notice, not a chat message
    if (received < latencies.length) {
      latencies[received] = performance.now() - readTime(data, at + MARK.length);
    }
    received++;
  };
  const sockets = await openSockets(
    (i) => {
      const url = spec.wsUrls[i % spec.wsUrls.length];
      return i < spec.senders && spec.senderTokens
        ? `${url}?token=${spec.senderTokens[i % spec.senderTokens.length]}`
        : url;
    },
    spec.connections,
    onMessage,
  );
  for (const socket of sockets) socket.on('error', () => errors++);
  const senders = sockets.slice(0, spec.senders);
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

  const sent = await paced(spec.rate, spec.durationMs, (k) => {
    const sender = senders[k % senders.length];
    if (sender.readyState === WebSocket.OPEN) {
      sender.send(`{"message":"bench:${performance.now().toFixed(3)}"}`);
    } else {
      errors++;
    }
  });
  const expected = sent * spec.connections;
  await drain(() => received >= expected);
  await closeSockets(sockets);
  return loadResult({ sent, received, expected, durationMs: spec.durationMs, latencies, errors });
}

/** A load step's figures from its counts and the latencies recorded (one per delivery). */
export function loadResult(step: {
  sent: number;
  received: number;
  expected: number;
  durationMs: number;
  latencies: Float64Array;
  errors: number;
}): LoadResult {
  const { sent, received, expected, latencies, errors } = step;
  return {
    sent,
    received,
    expected,
    ratio: expected === 0 ? 0 : received / expected,
    deliveriesPerSecond: received / (step.durationMs / 1000),
    latencyMs: percentiles(latencies.subarray(0, Math.min(received, latencies.length))),
    errors,
  };
}

/** The decimal number (digits and one point) that starts at `start`, read straight from bytes. */
function readTime(data: Buffer, start: number): number {
  let value = 0;
  let scale = 0;
  for (let i = start; i < data.length; i++) {
    const byte = data[i];
    if (byte === 0x2e) scale = 1;
    else if (byte >= 0x30 && byte <= 0x39) {
      value = value * 10 + (byte - 0x30);
      if (scale) scale *= 10;
    } else break;
  }
  return scale ? value / scale : value;
}
