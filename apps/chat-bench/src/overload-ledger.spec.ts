import { OverloadLedger } from './overload-ledger';

describe('overload ledger', () => {
  it('counts, for every acknowledged message, each socket it never reached', () => {
    const ledger = new OverloadLedger(3, 20);
    for (const socket of [0, 1, 2]) ledger.record(socket, 4);
    ledger.record(0, 17);
    ledger.record(2, 17);
    expect(ledger.delivered).toBe(5);
    expect(ledger.missing([4, 17])).toBe(1);
    expect(ledger.socketsMissing([4, 17])).toBe(1);
    // A message refused or never answered is not looked for.
    expect(ledger.missing([4])).toBe(0);
  });

  it('counts a second arrival at a socket as a duplicate, and a number never sent apart', () => {
    const ledger = new OverloadLedger(2, 9);
    ledger.record(1, 8);
    ledger.record(1, 8);
    ledger.record(0, 9);
    ledger.record(0, -1);
    expect(ledger.delivered).toBe(1);
    expect(ledger.duplicates).toBe(1);
    expect(ledger.outOfRange).toBe(2);
    expect(ledger.has(1, 8)).toBe(true);
    expect(ledger.has(0, 8)).toBe(false);
  });
});
