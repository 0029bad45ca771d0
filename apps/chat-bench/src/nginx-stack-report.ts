import { fixed as f, thousands as k } from './format';
import type { NginxStackResult } from './nginx-stack';
import { RECONNECT_BACKOFF } from './stack-reconnect';
import type { TargetVerdict } from './target-verdict';

/** Issue #22's bound on idle memory through the real stack, against the bare server. */
const IDLE_BOUND = 1.5;

/** The instances' idle memory per connection as a multiple of the bare naive server's. */
export function idleVsBare(result: NginxStackResult): number {
  const { instances, bare } = result.idleBytesPerConnection;
  return instances / bare;
}

export function nginxStackVerdict(result: NginxStackResult): TargetVerdict {
  const ratio = idleVsBare(result);
  return {
    target: `idle memory per connection through nginx over two instances at most ${IDLE_BOUND}x bare`,
    measured: `${f(ratio, 2)}x`,
    met: ratio <= IDLE_BOUND,
  };
}

/** Every socket got the broadcast, and no message was lost or repeated across the kill. */
export function nginxDeliveryVerdict(result: NginxStackResult): TargetVerdict {
  const { broadcast, afterRecovery, outage, recovery } = result;
  const lost = broadcast.missing + afterRecovery.missing + outage.missing;
  const repeated =
    broadcast.duplicates + afterRecovery.duplicates + outage.duplicates + result.repeats;
  return {
    target:
      'through nginx every socket receives a broadcast, and after a kill -9 every dropped socket resumes with none lost or repeated',
    measured: `${k(broadcast.delivered)} of ${k(result.sockets)} reached; ${k(recovery.recovered)} of ${k(recovery.dropped)} back; ${k(lost)} missing, ${k(repeated)} repeated`,
    met:
      lost === 0 &&
      repeated === 0 &&
      recovery.recovered === recovery.dropped &&
      outage.stored === outage.posted &&
      result.unrecoveredResumes === 0,
  };
}

/** The step's table and how it was measured, for BENCHMARKS.md. */
export function renderNginxStack(result: NginxStackResult): string {
  const { idleBytesPerConnection: idle, recovery, outage } = result;
  const reached = (d: { delivered: number; lastDeliveryMs: number }) =>
    `${k(d.delivered)} of ${k(result.sockets)}, last after ${f(d.lastDeliveryMs)} ms`;
  const rows = [
    '| through nginx over two instances | value |',
    '|---|---|',
    `| sockets (users; on each instance) | ${k(result.sockets)} (${k(result.users)}; ${result.perInstance.map(k).join(' + ')}) |`,
    `| idle RSS growth per connection, both instances together (bytes) | ${k(idle.instances)} |`,
    `| idle RSS growth per connection, bare naive server (bytes) | ${k(idle.bare)} |`,
    `| through the stack / bare | ${f(idleVsBare(result), 2)}x |`,
    `| nginx workers' RSS growth per connection (bytes) | ${k(idle.nginxWorkers)} |`,
    `| broadcast in general: sockets reached | ${reached(result.broadcast)} |`,
    `| kill -9 of one instance: sockets dropped, back (authenticated and resumed) | ${k(recovery.dropped)}, ${k(recovery.recovered)} |`,
    `| from the kill to a socket's resume: p50 / p99 / max (ms) | ${f(recovery.p50Ms)} / ${f(recovery.p99Ms)} / ${f(recovery.maxMs)} |`,
    `| reconnect attempts after the first, all sockets | ${k(recovery.retries)} |`,
    `| messages posted during the outage: stored; missing at a socket; repeated | ${outage.stored} of ${outage.posted}; ${k(outage.missing)}; ${k(outage.duplicates)} |`,
    `| posts refused during the outage and retried (HTTP status) | ${outage.refusals.length ? outage.refusals.join(', ') : 'none'} |`,
    `| resumes answered recovered: false | ${k(result.unrecoveredResumes)} |`,
    `| changes received twice on one connection | ${k(result.repeats)} |`,
    `| a message after the recovery: sockets reached | ${reached(result.afterRecovery)} |`,
  ];
  const { initialDelayMs, maxDelayMs } = RECONNECT_BACKOFF;
  const paragraph =
    `Debian's nginx runs the project's docker/nginx/nginx.conf with only the upstream servers, the listen address, the access log and the temporary directories rewritten to loopback and a work directory (worker_connections lets one worker hold ${k(result.socketsPerNginxWorker)} proxied sockets). ` +
    `Behind it two chat instances share Redis; TRUST_PROXY=loopback reads the client from X-Forwarded-For, and WS_MAX_CONNECTIONS_PER_ADDRESS is raised (every socket comes from 127.0.0.1), as are the message rate limits. ` +
    `${k(result.users)} users registered through nginx hold ${Math.round(result.sockets / result.users)} sockets each; every socket speaks chat.v2 and authenticates in its first frame. ` +
    `Idle memory is each instance's RSS read after a forced full garbage collection (over the inspector), before and after opening the sockets, the two growths summed and divided by the sockets; the stack's figure is one reading, the bare figure the naive server's median in the same run (idle-memory.ts). ` +
    `The broadcast is one message.send in the general room; its time runs from the send to the last socket's message.new, as the load generator (one process on the same cores) reads them. ` +
    `Then one instance is killed with SIGKILL; nginx closes its sockets, and each comes back as the SDK does: a wait of a random share (full jitter) of a ceiling of ${initialDelayMs} ms doubling per failed attempt up to ${k(maxDelayMs)} ms, then a new connection through nginx to the survivor, auth, and a resume of the general room from the last seq it saw; its time runs from the kill to the resume's ack. ` +
    `${outage.posted} messages are posted over HTTP through nginx during the outage, one each 100 ms from the kill; every socket must hold each stored one (live or replayed), and no connection may receive a change twice; then one more message after the recovery.`;
  const log = result.nginxLog.length
    ? [
        '',
        "nginx's error log above warnings (each message once):",
        '',
        ...result.nginxLog.map((line) => `    ${line}`),
      ]
    : [];
  return [...rows, '', paragraph, ...log].join('\n');
}
