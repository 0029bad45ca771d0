// The process timeInOwnProcess starts: it times the requests it is sent and answers their rounds.
import { timeRounds, TimingSpec } from './timed-requests';

// Without the bench (killed, or failed), nothing would read the answer.
process.once('disconnect', () => process.exit(1));
process.once('message', (spec: TimingSpec) => {
  timeRounds(spec).then(
    (rounds) => process.send!({ rounds }, () => process.exit(0)),
    (error: Error) => process.send!({ error: error.message }, () => process.exit(1)),
  );
});
