import { NginxStackResult } from './nginx-stack';
import { nginxDeliveryVerdict, nginxStackVerdict, renderNginxStack } from './nginx-stack-report';

const everyone = { delivered: 100, missing: 0, duplicates: 0, lastDeliveryMs: 12 };
const result = (changes: Partial<NginxStackResult> = {}): NginxStackResult => ({
  sockets: 100,
  users: 10,
  socketsPerNginxWorker: 16_384,
  perInstance: [50, 50],
  idleBytesPerConnection: { instances: 6_000, nginxWorkers: 1_500, bare: 4_000 },
  broadcast: everyone,
  recovery: { dropped: 50, recovered: 50, p50Ms: 300, p99Ms: 600, maxMs: 650, retries: 0 },
  unrecoveredResumes: 0,
  repeats: 0,
  outage: { posted: 5, stored: 5, refusals: [], missing: 0, duplicates: 0 },
  afterRecovery: everyone,
  nginxLog: [],
  ...changes,
});

describe('the nginx stack report', () => {
  it('meets the memory target at 1.5x the bare server and misses it above', () => {
    expect(nginxStackVerdict(result())).toMatchObject({ measured: '1.50x', met: true });
    const above = result({
      idleBytesPerConnection: { instances: 6_004, nginxWorkers: 0, bare: 4_000 },
    });
    expect(nginxStackVerdict(above)).toMatchObject({ measured: '1.50x', met: false });
  });

  it('says delivery is met only when nothing was lost, repeated or left behind', () => {
    expect(nginxDeliveryVerdict(result()).met).toBe(true);
    const misses: Partial<NginxStackResult>[] = [
      { broadcast: { ...everyone, delivered: 99, missing: 1 } },
      { afterRecovery: { ...everyone, duplicates: 1 } },
      { outage: { posted: 5, stored: 5, refusals: [], missing: 3, duplicates: 0 } },
      { outage: { posted: 5, stored: 4, refusals: [502, 502, 502], missing: 0, duplicates: 0 } },
      { recovery: { dropped: 50, recovered: 49, p50Ms: 1, p99Ms: 1, maxMs: 1, retries: 0 } },
      { unrecoveredResumes: 2 },
      { repeats: 1 },
    ];
    for (const miss of misses) expect(nginxDeliveryVerdict(result(miss)).met).toBe(false);
  });

  it('renders the figures, the refused posts and the nginx log lines', () => {
    const text = renderNginxStack(
      result({
        outage: { posted: 5, stored: 5, refusals: [502], missing: 0, duplicates: 0 },
        nginxLog: ['[error] connect() failed (111: Connection refused)'],
      }),
    );
    expect(text).toContain('| through the stack / bare | 1.50x |');
    expect(text).toContain('| 300.0 / 600.0 / 650.0 |');
    expect(text).toContain('(HTTP status) | 502 |');
    expect(text).toContain('    [error] connect() failed (111: Connection refused)');
  });
});
