import { naivePresenceFrames } from './presence';

describe('naivePresenceFrames', () => {
  it('counts each change once per other socket signed in at that moment', () => {
    // Connecting one by one: the k-th is told to k - 1; leaving (the first stays) mirrors it.
    const byHand = (users: number) => {
      let frames = 0;
      for (let k = 1; k <= users; k++) frames += k - 1;
      for (let left = users; left > 1; left--) frames += left - 1;
      return frames;
    };
    for (const users of [1, 2, 3, 10, 1_000]) {
      expect(naivePresenceFrames(users)).toBe(byHand(users));
    }
  });
});
