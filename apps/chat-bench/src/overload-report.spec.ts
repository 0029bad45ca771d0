import type { OverloadParams, OverloadResult } from './overload';
import { overloadVerdict, renderOverload } from './overload-report';

const params: OverloadParams = {
  connections: 1000,
  senders: 10,
  stepMs: 3000,
  drainMs: 15000,
  factor: 1.5,
};

function result(change: Partial<OverloadResult> = {}): OverloadResult {
  return {
    sustainableRate: 560,
    offeredRate: 840,
    offered: 2520,
    acknowledged: 2520,
    refused: {},
    unanswered: 0,
    backlogAtEnd: 874,
    ackRate: 616,
    delivered: 2_520_000,
    expected: 2_520_000,
    missing: 0,
    socketsMissing: 0,
    duplicates: 0,
    closedByServer: 0,
    drainedMs: 962,
    stillArriving: false,
    ...change,
  };
}

describe('overload report', () => {
  it('meets the target when every acknowledged message reached every socket and nothing was refused', () => {
    expect(overloadVerdict(result(), params).met).toBe(true);
  });

  it('allows refusals by the per-user rate limit alone', () => {
    expect(overloadVerdict(result({ refused: { rate_limited: 12 } }), params).met).toBe(true);
    const unavailable = overloadVerdict(
      result({ refused: { unavailable: 1, rate_limited: 2 } }),
      params,
    );
    expect(unavailable.met).toBe(false);
    expect(unavailable.measured).toContain('1 refused otherwise, 2 rate-limited');
  });

  it('fails on an acknowledged message missing at a socket, and on a frame never answered', () => {
    expect(overloadVerdict(result({ missing: 1, socketsMissing: 1 }), params).met).toBe(false);
    expect(overloadVerdict(result({ unanswered: 3 }), params).met).toBe(false);
    const late = overloadVerdict(result({ missing: 9, stillArriving: true }), params);
    expect(late).toMatchObject({ met: false });
    expect(late.measured).toContain(
      '9 acknowledged deliveries missing (still arriving at the bound)',
    );
  });

  it('reports acknowledged, delivered and refused, and how far the senders were slowed', () => {
    const markdown = renderOverload(result({ refused: { unavailable: 4 } }), params);
    expect(markdown).toContain('| acknowledged | 2,520 |');
    expect(markdown).toContain('| refused, by code | unavailable: 4 |');
    expect(markdown).toContain(
      '| deliveries received / acknowledged x sockets | 2,520,000 / 2,520,000 |',
    );
    expect(markdown).toContain('616 (0.73x offered)');
  });
});
