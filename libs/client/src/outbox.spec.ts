import type { RoomMessage } from '@chat/protocol';
import { ChatSocketError, NotConnectedError } from './errors';
import { Outbox, PendingMessage } from './outbox';

interface Attempt {
  message: PendingMessage;
  store(): void;
  refuse(error: unknown): void;
}

/** A transport whose every attempt the test answers by hand. */
function harness() {
  const attempts: Attempt[] = [];
  const changes: number[] = [];
  let ids = 0;
  const outbox = new Outbox({
    transmit: (message) =>
      new Promise<RoomMessage>((resolve, reject) =>
        attempts.push({
          message,
          store: () => resolve({ message: message.text } as RoomMessage),
          refuse: reject,
        }),
      ),
    retryDelay: (retries) => 100 * 2 ** retries,
    newClientId: () => `client-${++ids}`,
    changed: (roomId) => changes.push(roomId),
  });
  const sent = () => attempts.map((attempt) => attempt.message.text);
  return { outbox, attempts, sent, changes };
}

const flush = () => jest.advanceTimersByTimeAsync(0);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Outbox', () => {
  it('holds messages until resumed, then sends the oldest of each room', async () => {
    const { outbox, sent } = harness();
    outbox.add(1, 'a1');
    outbox.add(1, 'a2');
    outbox.add(2, 'b1');
    await flush();
    expect(sent()).toEqual([]);
    outbox.resume();
    await flush();
    expect(sent()).toEqual(['a1', 'b1']);
  });

  it('sends the next message of a room once the one before is stored, and resolves each', async () => {
    const { outbox, attempts, sent } = harness();
    outbox.resume();
    const first = outbox.add(1, 'a1');
    outbox.add(1, 'a2');
    await flush();
    expect(sent()).toEqual(['a1']);
    attempts[0].store();
    await expect(first).resolves.toEqual({ message: 'a1' });
    expect(sent()).toEqual(['a1', 'a2']);
  });

  it('after a lost connection sends the same message, same client_id, as soon as resumed', async () => {
    const { outbox, attempts, sent } = harness();
    outbox.resume();
    outbox.add(1, 'a1', 'mine');
    await flush();
    attempts[0].refuse(new NotConnectedError());
    outbox.pause();
    await flush();
    expect(sent()).toEqual(['a1']);
    outbox.resume();
    await flush();
    expect(attempts.map((attempt) => attempt.message.clientId)).toEqual(['mine', 'mine']);
  });

  it('tries a refusal that may pass again after a wait that grows with each attempt', async () => {
    const { outbox, attempts, sent } = harness();
    outbox.resume();
    outbox.add(1, 'a1');
    await flush();
    attempts[0].refuse(new ChatSocketError('rate_limited', 'slow down'));
    await jest.advanceTimersByTimeAsync(99);
    expect(sent()).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent()).toHaveLength(2);
    attempts[1].refuse(new ChatSocketError('unavailable', 'later'));
    await jest.advanceTimersByTimeAsync(199);
    expect(sent()).toHaveLength(2);
    await jest.advanceTimersByTimeAsync(1);
    expect(sent()).toHaveLength(3);
  });

  it('rejects a message refused for good and goes on with the next', async () => {
    const { outbox, attempts, sent } = harness();
    outbox.resume();
    const refused = outbox.add(1, 'a1');
    outbox.add(1, 'a2');
    await flush();
    const error = new ChatSocketError('forbidden', 'archived');
    attempts[0].refuse(error);
    await expect(refused).rejects.toBe(error);
    expect(sent()).toEqual(['a1', 'a2']);
  });

  it('lists what waits, oldest first, of a room or of all', () => {
    const { outbox } = harness();
    outbox.add(2, 'b1');
    outbox.add(1, 'a1');
    outbox.add(2, 'b2');
    expect(outbox.pending(2).map((message) => message.text)).toEqual(['b1', 'b2']);
    expect(outbox.pending()).toEqual([
      { roomId: 2, text: 'b1', clientId: 'client-1' },
      { roomId: 2, text: 'b2', clientId: 'client-3' },
      { roomId: 1, text: 'a1', clientId: 'client-2' },
    ]);
  });

  it('drops a room: its messages are rejected, its retry never fires, other rooms go on', async () => {
    const { outbox, attempts, sent } = harness();
    outbox.resume();
    const gone = [outbox.add(1, 'a1'), outbox.add(1, 'a2')];
    outbox.add(2, 'b1');
    await flush();
    attempts[0].refuse(new ChatSocketError('rate_limited', 'slow down'));
    await flush();
    const error = new ChatSocketError('not_found', 'Not in the room');
    outbox.dropRoom(1, error);
    await expect(Promise.allSettled(gone)).resolves.toEqual([
      { status: 'rejected', reason: error },
      { status: 'rejected', reason: error },
    ]);
    await jest.advanceTimersByTimeAsync(10_000);
    expect(sent()).toEqual(['a1', 'b1']);
    expect(outbox.pending()).toEqual([{ roomId: 2, text: 'b1', clientId: 'client-3' }]);
  });

  it('clear rejects every waiting message', async () => {
    const { outbox } = harness();
    const waiting = [outbox.add(1, 'a1'), outbox.add(2, 'b1')];
    outbox.clear(new ChatSocketError('closed', 'The client was closed'));
    const outcomes = await Promise.allSettled(waiting);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
    expect(outbox.pending()).toEqual([]);
  });

  it('tells of every change to what waits, with why a message is held back', async () => {
    const { outbox, attempts, changes } = harness();
    outbox.resume();
    void outbox.add(3, 'hello');
    await flush();
    expect(changes).toEqual([3]);
    attempts[0].refuse(new ChatSocketError('rate_limited', 'Rate limit exceeded'));
    await flush();
    expect(changes).toEqual([3, 3]);
    expect(outbox.pending(3)).toEqual([
      { clientId: 'client-1', roomId: 3, text: 'hello', lastError: 'Rate limit exceeded' },
    ]);
    await jest.advanceTimersByTimeAsync(100);
    attempts[1].store();
    await flush();
    expect(changes).toEqual([3, 3, 3]);
    expect(outbox.pending()).toEqual([]);
  });

  it('forgets why a message was held back once it waits for the connection instead', async () => {
    const { outbox, attempts } = harness();
    outbox.resume();
    void outbox.add(3, 'hello');
    await flush();
    attempts[0].refuse(new ChatSocketError('rate_limited', 'Rate limit exceeded'));
    await jest.advanceTimersByTimeAsync(100);
    outbox.pause();
    attempts[1].refuse(new NotConnectedError());
    await flush();
    expect(outbox.pending(3)).toEqual([{ clientId: 'client-1', roomId: 3, text: 'hello' }]);
  });
});
