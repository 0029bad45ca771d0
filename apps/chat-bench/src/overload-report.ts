import { fixed as f, thousands as k } from './format';
import { OverloadParams, OverloadResult, QUIET_MS } from './overload';
import type { TargetVerdict } from './target-verdict';

/** The one refusal issue #22 allows: the configured per-user message limit. */
const RATE_LIMITED = 'rate_limited';

/** Refusals for any reason but the per-user rate limit. */
export function refusedOtherwise(result: OverloadResult): number {
  return Object.entries(result.refused)
    .filter(([code]) => code !== RATE_LIMITED)
    .reduce((sum, [, count]) => sum + count, 0);
}

/**
 * Issue #22's overload target: every acknowledged message at every socket, nothing refused but by
 * the rate limit. A frame still unanswered when the drain ended, or frames still arriving at its
 * bound, count against it: their fate is unknown.
 */
export function overloadVerdict(result: OverloadResult, params: OverloadParams): TargetVerdict {
  const otherwise = refusedOtherwise(result);
  return {
    target: `overload at ${params.factor}x the highest sustainable rate: 0 acknowledged messages lost, 0 refused but by the per-user rate limit`,
    measured: `${k(result.missing)} acknowledged deliveries missing${result.stillArriving ? ' (still arriving at the bound)' : ''}; ${k(otherwise)} refused otherwise, ${k(result.refused[RATE_LIMITED] ?? 0)} rate-limited; ${k(result.unanswered)} unanswered`,
    met:
      result.missing === 0 && otherwise === 0 && result.unanswered === 0 && !result.stillArriving,
  };
}

/** The step's table and how it was measured, for BENCHMARKS.md. */
export function renderOverload(result: OverloadResult, params: OverloadParams): string {
  const refused = Object.entries(result.refused);
  const rows = [
    `| overload step (C=${k(params.connections)}, S=${params.senders}, ${f(params.stepMs / 1000, 0)} s) | value |`,
    '|---|---|',
    `| highest sustainable rate (msg/s), offered (${params.factor}x) | ${k(result.sustainableRate)}, ${k(result.offeredRate)} |`,
    `| frames written by the senders | ${k(result.offered)} |`,
    `| acknowledged | ${k(result.acknowledged)} |`,
    `| refused, by code | ${refused.length ? refused.map(([code, n]) => `${code}: ${k(n)}`).join(', ') : 'none'} |`,
    `| unanswered when the drain ended | ${k(result.unanswered)} |`,
    `| acknowledgements per second (senders slowed to) | ${k(result.ackRate)} (${f(result.ackRate / result.offeredRate, 2)}x offered) |`,
    `| frames sent but not yet answered when the sending ended | ${k(result.offered === 0 ? 0 : result.backlogAtEnd)} |`,
    `| deliveries received / acknowledged x sockets | ${k(result.delivered)} / ${k(result.expected)} |`,
    `| acknowledged deliveries missing (sockets lacking one) | ${k(result.missing)} (${k(result.socketsMissing)}) |`,
    `| deliveries repeated at a socket | ${k(result.duplicates)} |`,
    `| sockets closed by the server | ${k(result.closedByServer)} |`,
    `| drain after the sending (ms) | ${f(result.drainedMs, 0)}${result.stillArriving ? ', ended by its bound with frames still arriving' : ''} |`,
  ];
  const paragraph =
    `${params.senders} chat.v2 sockets send to the general room open-loop at ${params.factor}x the chat server's highest sustainable rate (the fan-out search's median, deliveries/s over C) for ${f(params.stepMs / 1000, 0)} s: every frame is written when due, whatever the server has answered, and each carries its own req, client_id and a number in its text. ` +
    `The other ${k(params.connections - params.senders)} sockets are compat receivers (the senders receive too); every socket records which numbers reach it. ` +
    `The server takes a socket's frames one at a time and stops reading it while 32 wait, so a sender it cannot keep up with is slowed by TCP; the acknowledgements per second say how far. ` +
    `After the sending the step waits for every answer and every acknowledged message at every socket, until nothing has arrived for ${f(QUIET_MS / 1000, 0)} s (what is missing then is lost, not late) or for at most ${f(params.drainMs / 1000, 0)} s, then looks each acknowledged number up at each socket. ` +
    `The per-user message limit is raised (MESSAGE_RATE_LIMIT and _BURST 1,000,000), so any refusal is the server's own.`;
  return [...rows, '', paragraph].join('\n');
}
