import fc from 'fast-check';
import { OrderedWorkQueue, PAUSE_AT_WAITING, RESUME_AT_WAITING } from './ordered-work-queue';

/** A socket that records whether it is read. */
function fakeSocket() {
  const socket = { isPaused: false, pause: jest.fn(), resume: jest.fn() };
  socket.pause.mockImplementation(() => (socket.isPaused = true));
  socket.resume.mockImplementation(() => (socket.isPaused = false));
  return socket;
}

const failures = () => ({ taskFailed: jest.fn() });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A task that runs until its gate is opened. */
function gatedTask(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const task = async () => {
    log.push(`start ${name}`);
    await opened;
    log.push(`end ${name}`);
  };
  return { task, open };
}

describe('OrderedWorkQueue', () => {
  it('runs tasks one at a time, in the order given, whatever each takes', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 20 }),
        async (turns) => {
          const queue = new OrderedWorkQueue(fakeSocket(), failures());
          const log: string[] = [];
          turns.forEach((wait, i) =>
            queue.enqueue(async () => {
              log.push(`start ${i}`);
              for (let turn = 0; turn < wait; turn++) await nextTurn();
              log.push(`end ${i}`);
            }),
          );
          while (queue.size > 0) await nextTurn();
          expect(log).toEqual(turns.flatMap((_wait, i) => [`start ${i}`, `end ${i}`]));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('starts nothing before the running task ends', async () => {
    const queue = new OrderedWorkQueue(fakeSocket(), failures());
    const log: string[] = [];
    const first = gatedTask(log, 'a');
    queue.enqueue(first.task);
    queue.enqueue(gatedTask(log, 'b').task);
    await nextTurn();
    expect(log).toEqual(['start a']);
    expect(queue.size).toBe(2);
    first.open();
    await nextTurn();
    expect(log).toEqual(['start a', 'end a', 'start b']);
    expect(queue.size).toBe(1);
  });

  it('reports a failed task and goes on with the next', async () => {
    const handler = failures();
    const queue = new OrderedWorkQueue(fakeSocket(), handler);
    const error = new Error('database away');
    const ran: string[] = [];
    queue.enqueue(() => Promise.reject(error));
    queue.enqueue(async () => {
      ran.push('next');
    });
    await nextTurn();
    expect(handler.taskFailed).toHaveBeenCalledTimes(1);
    expect(handler.taskFailed).toHaveBeenCalledWith(error);
    expect(ran).toEqual(['next']);
    expect(queue.size).toBe(0);
  });

  it(`stops reading the socket at ${PAUSE_AT_WAITING} waiting tasks, not one before`, () => {
    const socket = fakeSocket();
    const queue = new OrderedWorkQueue(socket, failures());
    const log: string[] = [];
    for (let i = 1; i < PAUSE_AT_WAITING; i++) queue.enqueue(gatedTask(log, `${i}`).task);
    expect(socket.pause).not.toHaveBeenCalled();
    queue.enqueue(gatedTask(log, 'last').task);
    expect(socket.pause).toHaveBeenCalledTimes(1);
    for (let i = 0; i < 10; i++) queue.enqueue(gatedTask(log, `more ${i}`).task);
    expect(socket.pause).toHaveBeenCalledTimes(1);
    expect(queue.size).toBe(PAUSE_AT_WAITING + 10);
  });

  it(`reads the socket again once ${RESUME_AT_WAITING} tasks are left, not before`, async () => {
    const socket = fakeSocket();
    const queue = new OrderedWorkQueue(socket, failures());
    const log: string[] = [];
    const gates = Array.from({ length: 40 }, (_, i) => gatedTask(log, `${i}`));
    for (const { task } of gates) queue.enqueue(task);
    for (const { open } of gates) {
      open();
      await nextTurn();
      if (queue.size > RESUME_AT_WAITING) expect(socket.resume).not.toHaveBeenCalled();
      else expect(socket.resume).toHaveBeenCalledTimes(1);
    }
    expect(socket.isPaused).toBe(false);
  });

  it('leaves alone a socket that is being read when the queue runs down', async () => {
    const socket = fakeSocket();
    const queue = new OrderedWorkQueue(socket, failures());
    for (let i = 0; i < RESUME_AT_WAITING + 1; i++) queue.enqueue(() => Promise.resolve());
    while (queue.size > 0) await nextTurn();
    expect(socket.pause).not.toHaveBeenCalled();
    expect(socket.resume).not.toHaveBeenCalled();
  });

  it('keeps no promise of its own once idle, and keeps the order of the tasks given after', async () => {
    const queue = new OrderedWorkQueue(fakeSocket(), failures());
    const log: string[] = [];
    expect(queue.idle).toBe(true);
    const first = gatedTask(log, 'a');
    queue.enqueue(first.task);
    expect(queue.idle).toBe(false);
    first.open();
    while (queue.size > 0) await nextTurn();
    expect(queue.idle).toBe(true);
    const second = gatedTask(log, 'b');
    queue.enqueue(second.task);
    queue.enqueue(gatedTask(log, 'c').task);
    await nextTurn();
    expect(log).toEqual(['start a', 'end a', 'start b']);
    expect(queue.idle).toBe(false);
  });
});
