import type { BenchProfile } from './bench-profile';
import { LOADED_BASELINE } from './beside-load';
import { thousands } from './format';
import { HISTORY_SLOTS, SEARCHER_ROOMS } from './history-rooms';
import { fanoutMedian, Measurements } from './measurements';
import { MESSAGE_WORDS_MAX, MESSAGE_WORDS_MIN, VOCABULARY } from './message-corpus';
import {
  historyTable,
  measuresTable,
  presenceTable,
  roomLatencyRows,
  roomStepRows,
  searchTable,
  stepRows,
  targetsTable,
  verdict,
} from './report-tables';
import { latencyRates, roundTwoSections, roundTwoVerdicts } from './report-round-two';
import { Summary, summarize } from './summary';

export interface Report {
  /** The tables, for the console. */
  table: string;
  summary: Summary;
  /** The whole of BENCHMARKS.md. */
  markdown: string;
}

/** How the search rows were measured, and what the stored messages hold. */
function searchProse(m: Measurements, profile: BenchProfile): string {
  const { rare, common, prefix } = m.history.search.figures;
  const others = HISTORY_SLOTS - SEARCHER_ROOMS - 1;
  return `The search rows time \`GET /api/v1/search?q=...\` (first page, default limit) as one user,
registered and logged in through the API, in the same rounds as the history routes above, with
the same client and server. The stored messages are words of a Russian and English team chat: a
vocabulary of ${VOCABULARY.length} words, the word of rank r drawn about 1/r as often as the first (Zipf-like, stop
words leading as in real text; the \`russian\` configuration leaves them out of the index),
${MESSAGE_WORDS_MIN} to ${MESSAGE_WORDS_MAX} words a message. Of every ${HISTORY_SLOTS} bulk-loaded messages ${others} go to the general room,
one to each of the searcher's ${SEARCHER_ROOMS} private rooms and one to a private room it is not in, which its
searches pass over. The rare word \`${rare.query}\` is in no vocabulary word and was planted in every
k-th general message; the common word \`${common.query}\` is the vocabulary's word number ${VOCABULARY.indexOf(common.query) + 1} (${common.words} of its
words share that stem); the prefix \`${prefix.query}\` starts ${prefix.words} of its words. Matching messages are
counted with SQL after the load, in the rooms the searcher reads. Every timed answer was a 200
(anything else fails the run), and each search's first page held the results counted here
before the warm-up and after the rounds; ${thousands(profile.historyRequests)} searches per query per round.`;
}

/** Issue #22's targets, each met or not. */
function roundTwoTable(m: Measurements, summary: Summary, profile: BenchProfile): string[] {
  return [
    '| target (issue #22) | measured | |',
    '|---|---|---|',
    ...roundTwoVerdicts(m, summary, profile).map(
      (v) => `| ${v.target} | ${v.measured} | ${verdict(v.met)} |`,
    ),
  ];
}

export function renderReport(m: Measurements, profile: BenchProfile): Report {
  const summary = summarize(m);
  const { connections, roomSize } = profile.rooms;
  const table = [
    ...measuresTable(m, summary, profile),
    '',
    ...historyTable(m.history),
    '',
    ...searchTable(m.history),
    '',
    ...presenceTable(summary, profile),
    '',
    ...targetsTable(m, summary),
    '',
    ...roundTwoTable(m, summary, profile),
  ].join('\n');
  const markdown = `# Benchmarks

Produced by \`npm run bench\` (apps/chat-bench), which rewrites this file. Every figure comes from
one run in which the chat server and two bare-WebSocket baselines took the identical load on the
same machine: **naive** (one JSON.stringify, then client.send per client) and **coalescing** (the
frame built once; all frames due for a socket in one event-loop turn written with one write). The
load generator is one Node process on the same 2 cores, so it competes with the server it
measures; ratios matter more than absolute numbers. Medians of ${profile.rounds} alternating rounds.
Each step opens fresh sockets and waits half a second before the first message (a rooms step also
waits, up to 5 s, until the servers and PostgreSQL together use under a tenth of a core, its sign-in work done). In the fan-out
search a step that fails is run once more before the search stops (both attempts are listed
below). Idle memory is read after a full garbage collection of the measured process (asked for
through its inspector), so it counts what the connections keep rather than garbage; each reading
is on a freshly started server, one per server and round, the servers taking turns, first read
once it has run ${profile.idleStartMs / 1000} s (V8's memory reducer gives pages back some 8 s after start).

The rooms rows put ${thousands(connections)} users, one socket each, in ${thousands(connections / roomSize)} public rooms of ${roomSize}
(made and filled through the HTTP API), every user also in general. After this set-up, as after
the presence and nginx ones, PostgreSQL analyzes the tables, as autovacuum would soon in service:
this host's PostgreSQL runs with autovacuum off, and without statistics a sign-in's count of a
room's members looped over every user. On the chat server each
socket speaks protocol v2 (\`chat.v2\`, authenticated in its first frame); the coalescing baseline
is told the same rooms in each socket's first frame and sends a message to its room's sockets
only. The rooms take turns, and within a room its members take turns, sending at a total rate
that rises as in the fan-out search; a room message counts one delivery at each of its room's
${roomSize} sockets, the sender's included, and general carries no traffic. Latency is read in a step of its own
after each round's search, ${profile.latencyMs / 1000} s long as the one-room latency step, at half the chat server's highest
passing rate of the round (R=${latencyRates(m)} msg/s), on both servers (earlier runs read it in
the search's own ${profile.stepMs / 1000} s step at that rate). Every socket checks that each message it receives belongs to its own room;
one that does not is a mis-delivery.

Machine: ${m.machine}. Run took ${summary.seconds} s.

${table}

Fan-out steps of the last round (a step passes with a delivery ratio of at least 0.99 and p99 at
most 100 ms; server CPU is the share of one core, both instances together for the pair). The two
instances share this machine's cores with the load generator, PostgreSQL and Redis, so the pair
has no more CPU than one instance had: the scale-out row measures the cost of the Redis hop here,
not the gain of a second machine.

| server | msg/s | deliveries/s | ratio | p50 ms | p99 ms | server CPU |
|---|---|---|---|---|---|---|
${stepRows(m, profile).join('\n')}

Rooms steps of the last round (the same rule for a step to pass; a delivery is a room message at
one member's socket).

| server | msg/s | deliveries/s | ratio | p50 ms | p99 ms | server CPU | mis-deliveries |
|---|---|---|---|---|---|---|---|
${roomStepRows(m, profile).join('\n')}

Rooms latency steps, every round (at half the chat server's highest passing rate of the round,
${profile.latencyMs / 1000} s each; the rows above take the median of the rounds). What was spent while the step
sent (from its first message until every delivery came, or at most 2 s after the last was sent):
the server's CPU and PostgreSQL's (all its processes, those that ended included), each as a share
of one core, and the share of all the machine's cores busy with anything (the load generator,
the kernel's loopback work and the rest included; idle and I/O wait count as not busy).
The third step of each round (\`${LOADED_BASELINE}\`) is the coalescing baseline's again, with
the chat step's load beside it in a process of its own (apps/chat-bench/src/beside-load.ts): the
chat server's inserts over that round's sending phase replayed into PostgreSQL (its own statement,
as many a second and as many rows each, from its \`chat_message_write_duration_seconds\` and
\`chat_messages_stored_total\`; two connections with rooms of their own, as its writer runs two
inserts with no room in both) and the chat server's CPU beyond the baseline's kept busy, the
replay's own work included. Its server CPU column is the baseline's alone; the process's CPU shows
in the machine's share. It tells how much of the chat's p99 the machine being that busy accounts
for, whichever process makes it so. A load that kept under 90% of its statements' rate or of its
CPU share, had an insert fail, or whose process failed makes the row "not measured".

| round | server | msg/s | ratio | p50 ms | p99 ms | mis-deliveries | server CPU (of one core) | PostgreSQL CPU (of one core) | machine busy (of all cores) |
|---|---|---|---|---|---|---|---|---|---|
${roomLatencyRows(m).join('\n')}

The load's sockets speak the wire directly (apps/chat-bench/src/room-wire.ts: the first frame,
the send frame, and a prefix compare to count deliveries) rather than through the SDK
(\`@chat/client\`), whose work per frame would be the load generator's, not the server's: handing
${thousands(m.sdk.frames)} \`message.new\` frames to one SDK client took ${m.sdk.sdkMicros.toFixed(1)} µs per frame (parse, schema
check, de-duplication by number, store, event), against ${m.sdk.parseMicros.toFixed(1)} µs for a JSON.parse alone. At
the one-room fan-out above, ${thousands(Math.round(fanoutMedian(m, 'chat')))} deliveries/s, SDK clients would need
${((fanoutMedian(m, 'chat') * m.sdk.sdkMicros) / 1e6).toFixed(1)} cores of their own. The setup (users, rooms, members) goes through the SDK's HTTP helpers.

The presence rows register ${thousands(profile.presence.users)} users in rooms of ${profile.presence.roomSize} (and general) and start a chat
server whose rooms above ${profile.presence.roomLimit} members (general) get an online count instead of each member's status.
A watcher (the first user) signs in, then every other socket connects at once; the watcher reads
general's \`presence.count\` and its own room's members' \`presence\` frames. Then all but the
watcher close. Every socket counts the \`presence\` and \`presence.count\` frames it receives over
both phases; the naive design would send each change to every socket signed in at that moment
(n(n - 1) frames for n users joining and leaving one by one). Medians of ${profile.rounds} rounds with the same users.

History latencies are measured over one kept-alive connection per server by a client process
started for them, not the load generator's own: after the earlier phases (10,000 sockets) that
held some 400 MB, and in a run at 261a295 the newest pages' p99 timed from it read 2.2 to 2.5 ms,
against 0.5 to 1.1 ms from a fresh process, while the floor read 0.28 ms in both. After
${thousands(profile.historyRequests)} warm-up requests of each kind, in ${profile.rounds} alternating rounds of ${thousands(profile.historyRequests)} requests per route
(medians of the rounds' percentiles);
the bare-HTTP row is the same client against a Node server that answers at once, the floor any
figure above includes.

${searchProse(m, profile)}

${roundTwoSections(m, profile)}
`;
  return { table, summary, markdown };
}
