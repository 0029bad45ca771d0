import fc from 'fast-check';
import { UnreadConcern } from './unread-concern';
import { mergeWanted, UnreadPushQueue, WantedCounts } from './unread-push-queue';

const concernArbitrary: fc.Arbitrary<UnreadConcern> = fc.record({
  message: fc.record({
    seq: fc.integer({ min: 1, max: 30 }),
    authorId: fc.integer({ min: 1, max: 4 }),
  }),
  users: fc.oneof(
    fc.constant('room' as const),
    fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
  ),
});

/** Whether a change concerns a member (user, marker): in its users, and its message unread. */
function concerns(concern: UnreadConcern, user: number, marker: number): boolean {
  const listed = concern.users === 'room' || concern.users.includes(user);
  return listed && marker < concern.message.seq && user !== concern.message.authorId;
}

function wants(wanted: WantedCounts, user: number, marker: number): boolean {
  const listed = wanted.users === 'room' || wanted.users.has(user);
  return listed && marker < wanted.seq && user !== wanted.authorId;
}

describe('mergeWanted', () => {
  it('merged changes ask the counts of every member any of them concerns', () => {
    fc.assert(
      fc.property(
        fc.array(concernArbitrary, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 30 }),
        (changes, user, marker) => {
          const wanted = changes.reduce<WantedCounts | undefined>(mergeWanted, undefined)!;
          if (changes.some((change) => concerns(change, user, marker))) {
            expect(wants(wanted, user, marker)).toBe(true);
          }
        },
      ),
    );
  });

  it('one change asks exactly the members it concerns', () => {
    fc.assert(
      fc.property(
        concernArbitrary,
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 0, max: 30 }),
        (change, user, marker) => {
          expect(wants(mergeWanted(undefined, change), user, marker)).toBe(
            concerns(change, user, marker),
          );
        },
      ),
    );
  });
});

describe('UnreadPushQueue', () => {
  it('runs at most two at once and one per room, and pushes every change after it came', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            fc.record({ add: fc.integer({ min: 1, max: 4 }), concern: concernArbitrary }),
            fc.record({ finish: fc.nat(3) }),
          ),
          { maxLength: 40 },
        ),
        async (steps) => {
          const running: { roomId: number; wanted: WantedCounts; finish: () => void }[] = [];
          const pushed: { roomId: number; wanted: WantedCounts }[] = [];
          const queue = new UnreadPushQueue(
            2,
            (roomId, wanted) =>
              new Promise<void>((resolve) => {
                expect(running.some((push) => push.roomId === roomId)).toBe(false);
                running.push({ roomId, wanted, finish: resolve });
                pushed.push({ roomId, wanted });
                expect(running.length).toBeLessThanOrEqual(2);
              }),
          );
          /** The changes added to each room that no push started after yet. */
          const unpushed = new Map<number, UnreadConcern[]>();
          const finishOne = async (index: number) => {
            const [push] = running.splice(index % running.length, 1);
            push.finish();
            await new Promise((resolve) => setImmediate(resolve));
          };
          for (const step of steps) {
            if ('add' in step) {
              unpushed.set(step.add, [...(unpushed.get(step.add) ?? []), step.concern]);
              const before = pushed.length;
              queue.add(step.add, step.concern);
              for (const push of pushed.slice(before)) check(push, unpushed);
            } else if (running.length > 0) {
              const before = pushed.length;
              await finishOne(step.finish);
              for (const push of pushed.slice(before)) check(push, unpushed);
            }
          }
          while (running.length > 0) {
            const before = pushed.length;
            await finishOne(0);
            for (const push of pushed.slice(before)) check(push, unpushed);
          }
          expect([...unpushed.values()].flat()).toEqual([]);
        },
      ),
    );
  });
});

/** A push covers every change its room got before it started: they are pushed. */
function check(
  push: { roomId: number; wanted: WantedCounts },
  unpushed: Map<number, UnreadConcern[]>,
): void {
  for (const change of unpushed.get(push.roomId) ?? []) {
    for (let user = 1; user <= 6; user++) {
      for (let marker = 0; marker <= 30; marker++) {
        if (concerns(change, user, marker)) expect(wants(push.wanted, user, marker)).toBe(true);
      }
    }
  }
  unpushed.delete(push.roomId);
}
