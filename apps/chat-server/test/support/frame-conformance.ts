// Every v2 frame a test's V2Client receives must match the protocol's schemas (libs/protocol),
// the ones the SDK checks frames with: a test that saw one that does not fails.
import { takeNonconformingFrames } from './v2-client';

afterEach(() => {
  const frames = takeNonconformingFrames();
  if (frames.length > 0) {
    throw new Error(`The server sent frames that break the protocol:\n${frames.join('\n')}`);
  }
});
