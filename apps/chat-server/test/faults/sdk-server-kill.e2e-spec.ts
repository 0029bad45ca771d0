import { BuiltServer } from './support/built-server';
import { recordFigures } from './support/reliability-report';
import { auditSdkBurst, describeFigures, expectEachMessageOnceInOrder } from './support/sdk-audit';
import { SdkBurst } from './support/sdk-burst';
import { SdkMembers } from './support/sdk-members';

const MEMBERS = 3;
const ROOMS = 2;
const PER_ROOM = 100;
/** The kill comes once this share of the burst is acknowledged. */
const KILL_AFTER_SHARE = 1 / 3;

describe('SDK clients while the server is killed (SIGKILL) mid-burst and restarted', () => {
  let server: BuiltServer;

  beforeAll(async () => {
    server = await BuiltServer.start();
  });
  afterAll(() => server.close());

  it('acknowledges every send once, stores each message once, and every member gets each once in order', async () => {
    const crowd = await SdkMembers.create(server.baseUrl, MEMBERS, ROOMS, 'sdk-kill');
    try {
      const burst = new SdkBurst('sdk-kill', crowd, PER_ROOM);
      const total = burst.sent.length;
      await burst.untilAcknowledged(Math.ceil(total * KILL_AFTER_SHARE), 20_000);
      expect(await server.kill()).toMatchObject({ signal: 'SIGKILL' });
      const unsettledAtKill = burst.unsettled;
      const restartedAt = Date.now();
      await server.restart();

      await burst.untilSettled(60_000);
      await crowd.untilDelivered(MEMBERS * PER_ROOM, 20_000);
      const { figures, views } = await auditSdkBurst(crowd, burst, server.query);
      const recovery = burst.recoverySecondsAfter(restartedAt);
      recordFigures({
        scenario: `SDK clients, server killed (SIGKILL) mid-burst and restarted (${describeFigures(figures)})`,
        runs: 1,
        acknowledged: figures.acknowledged,
        lost: figures.lost,
        duplicated: figures.duplicated,
        recoverySeconds: recovery === undefined ? [] : [recovery],
      });

      expect(unsettledAtKill).toBeGreaterThan(0);
      expectEachMessageOnceInOrder(figures, views);
      expect(figures.reconnects).toBeGreaterThanOrEqual(MEMBERS);
      expect(crowd.members.flatMap((member) => member.problems)).toEqual([]);
    } finally {
      crowd.close();
    }
  });
});
