import { BuiltServer } from './support/built-server';
import { recordFigures } from './support/reliability-report';
import { auditSdkBurst, describeFigures, expectEachMessageOnceInOrder } from './support/sdk-audit';
import { SdkBurst } from './support/sdk-burst';
import { SdkMembers } from './support/sdk-members';
import { sleep } from './support/steady-load';
import { TcpProxy } from '../support/tcp-proxy';

const MEMBERS = 3;
const ROOMS = 2;
const PER_ROOM = 100;
const CUTS = 20;
/** Each cut comes once this many more sends were acknowledged, so every cut lands mid-burst. */
const ACKNOWLEDGED_BETWEEN_CUTS = 20;
/** How long new connections are refused after a cut. */
const CUT_MS = 50;

describe('SDK clients whose connections are cut 20 times during a burst', () => {
  let server: BuiltServer;
  let proxy: TcpProxy;

  beforeAll(async () => {
    server = await BuiltServer.start();
    proxy = await TcpProxy.start(server.port);
  });
  afterAll(async () => {
    await proxy.close();
    await server.close();
  });

  it('acknowledges every send once, stores each message once, and every member gets each once in order', async () => {
    const crowd = await SdkMembers.create(
      `http://127.0.0.1:${proxy.port}`,
      MEMBERS,
      ROOMS,
      'sdk-cuts',
    );
    try {
      const burst = new SdkBurst('sdk-cuts', crowd, PER_ROOM);
      const restoredAt: number[] = [];
      const unsettledAtCuts: number[] = [];
      for (let cut = 1; cut <= CUTS; cut++) {
        await burst.untilAcknowledged(cut * ACKNOWLEDGED_BETWEEN_CUTS, 20_000);
        unsettledAtCuts.push(burst.unsettled);
        proxy.cut();
        await sleep(CUT_MS);
        proxy.restore();
        restoredAt.push(Date.now());
      }

      await burst.untilSettled(60_000);
      await crowd.untilDelivered(MEMBERS * PER_ROOM, 20_000);
      const { figures, views } = await auditSdkBurst(crowd, burst, server.query);
      recordFigures({
        scenario: `SDK clients, connections cut ${CUTS} times mid-burst (${describeFigures(figures)})`,
        runs: CUTS,
        acknowledged: figures.acknowledged,
        lost: figures.lost,
        duplicated: figures.duplicated,
        recoverySeconds: restoredAt
          .map((at) => burst.recoverySecondsAfter(at))
          .filter((seconds) => seconds !== undefined),
      });

      expect(unsettledAtCuts.every((unsettled) => unsettled > 0)).toBe(true);
      expectEachMessageOnceInOrder(figures, views);
      expect(figures.reconnects).toBeGreaterThanOrEqual(CUTS);
      expect(crowd.members.flatMap((member) => member.problems)).toEqual([]);
    } finally {
      crowd.close();
    }
  });
});
