import { DeliveryCost, DeliveryCostParams, microsPerDelivery } from './delivery-cost';
import { deliveryCostVerdict, renderDeliveryCost } from './delivery-cost-report';

const params: DeliveryCostParams = {
  connections: 1000,
  senders: 10,
  rate: 200,
  stepMs: 10000,
  rounds: 3,
};
const step = (cpuSeconds: number, idleCpuSeconds: number, deliveries = 2_000_000) => ({
  cpuSeconds,
  idleCpuSeconds,
  deliveries,
  expected: 2_000_000,
});

describe('delivery cost', () => {
  it('is the server CPU of the step less that of the same sockets without messages, per delivery', () => {
    expect(microsPerDelivery(step(4.5, 0.5))).toBeCloseTo(2);
    expect(microsPerDelivery(step(1, 0.5, 0))).toBeNaN();
  });

  it('meets the target at up to 1.3x the coalescing server, and says both figures', () => {
    const cost = (chat: number): DeliveryCost => ({
      steps: new Map([
        ['coalescing', [step(4.5, 0.5)]],
        ['chat', [step(chat, 0.5)]],
      ]),
      micros: new Map([
        ['coalescing', 2],
        ['chat', (chat - 0.5) / 2],
      ]),
      ratio: (chat - 0.5) / 2 / 2,
    });
    expect(deliveryCostVerdict(cost(5.7), params)).toEqual({
      target:
        'server CPU per delivered frame (C=1,000, 200 msg/s, one room) at most 1.3x the coalescing bare server',
      measured: '1.30x (2.60 µs against 2.00 µs)',
      met: true,
    });
    expect(deliveryCostVerdict(cost(5.8), params).met).toBe(false);
    expect(renderDeliveryCost(cost(5.7), params)).toContain(
      '| chat | 2.60 | 2.60 | 2,000,000 / 2,000,000 |',
    );
  });
});
