import { BroadcastLedger } from './broadcast-ledger';

describe('broadcast ledger', () => {
  it('counts each socket once, the repeats apart, and times the last first reception', () => {
    const ledger = new BroadcastLedger(3);
    ledger.expect('hello', 100);
    ledger.record(0, 'hello', 110);
    ledger.record(2, 'hello', 130);
    ledger.record(0, 'hello', 140);
    expect(ledger.received('hello')).toBe(2);
    expect(ledger.delivery('hello')).toEqual({
      delivered: 2,
      missing: 1,
      duplicates: 1,
      lastDeliveryMs: 30,
    });
  });

  it('keeps broadcasts apart and ignores texts it was not told of', () => {
    const ledger = new BroadcastLedger(2);
    ledger.expect('one', 0);
    ledger.expect('two', 0);
    ledger.record(1, 'two', 5);
    ledger.record(0, 'someone else', 5);
    expect(ledger.received('one')).toBe(0);
    expect(ledger.received('two')).toBe(1);
    expect(ledger.delivery('one').lastDeliveryMs).toBeNaN();
    expect(() => ledger.received('someone else')).toThrow('not told');
  });
});
