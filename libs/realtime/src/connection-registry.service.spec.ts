import { ChatMetrics } from '@chat/metrics';
import { ClientConnection } from './connection/client-connection';
import { ConnectionRegistry } from './connection-registry.service';

const metrics = { connections: { inc: jest.fn(), dec: jest.fn() } } as unknown as ChatMetrics;

function fakeConnection(address = '127.0.0.1') {
  return { address, broadcastsFrom: 0, deliver: jest.fn() } as unknown as ClientConnection;
}

const frame = Buffer.from('frame');

describe('ConnectionRegistry', () => {
  it('counts the sockets open from each address', () => {
    const registry = new ConnectionRegistry(metrics);
    const [a, b, c] = [fakeConnection('a'), fakeConnection('a'), fakeConnection('b')];
    for (const connection of [a, b, c]) registry.add(connection);
    expect([registry.openFrom('a'), registry.openFrom('b'), registry.size]).toEqual([2, 1, 3]);
    registry.remove(a);
    registry.remove(a);
    registry.remove(c);
    expect([registry.openFrom('a'), registry.openFrom('b'), registry.size]).toEqual([1, 0, 1]);
  });

  it('knows which messages after an id each socket got since it joined', () => {
    const registry = new ConnectionRegistry(metrics);
    const early = fakeConnection();
    registry.add(early);
    registry.broadcast(frame, 10);
    registry.broadcast(frame);
    const late = fakeConnection();
    registry.add(late);
    registry.broadcast(frame, 11);
    registry.broadcast(frame, 12);
    expect(registry.messagesSentTo(early, 0)).toEqual(new Set([10, 11, 12]));
    expect(registry.messagesSentTo(early, 10)).toEqual(new Set([11, 12]));
    expect(registry.messagesSentTo(late, 0)).toEqual(new Set([11, 12]));
    expect(registry.recentMessageIds()).toEqual([10, 11, 12]);
  });

  it('does not know once more messages went out than it remembers', () => {
    const registry = new ConnectionRegistry(metrics);
    const connection = fakeConnection();
    registry.add(connection);
    for (let id = 1; id <= 4_096; id++) registry.broadcast(frame, id);
    expect(registry.messagesSentTo(connection, 0)?.size).toBe(4_096);
    registry.broadcast(frame, 4_097);
    expect(registry.messagesSentTo(connection, 0)).toBeNull();
    expect(registry.recentMessageIds()).toHaveLength(4_096);
  });
});
