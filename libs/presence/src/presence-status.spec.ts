import fc from 'fast-check';
import { aggregateStatus, SocketStatus } from './presence-status';

const socketStatus = fc.constantFrom<SocketStatus>('online', 'away');

describe('aggregateStatus', () => {
  it('is offline without sockets', () => {
    expect(aggregateStatus([])).toBe('offline');
  });

  it('is online when any socket is online, however many are away', () => {
    fc.assert(
      fc.property(fc.array(socketStatus), fc.nat(), (others, at) => {
        const sockets = [...others];
        sockets.splice(at % (sockets.length + 1), 0, 'online');
        expect(aggregateStatus(sockets)).toBe('online');
      }),
    );
  });

  it('is away when every socket is away', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), (count) => {
        expect(aggregateStatus(Array<SocketStatus>(count).fill('away'))).toBe('away');
      }),
    );
  });

  it('does not depend on the order of the sockets', () => {
    fc.assert(
      fc.property(fc.array(socketStatus), (sockets) => {
        expect(aggregateStatus([...sockets].reverse())).toBe(aggregateStatus(sockets));
      }),
    );
  });
});
