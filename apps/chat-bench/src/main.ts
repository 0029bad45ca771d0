// npm run bench [-- --smoke] [-- --no-write]: the chat server against two bare-WebSocket baselines
// under identical load in one run, reported as ratios. Loopback only; every phase is bounded.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createBenchDatabase, dropBenchDatabase } from './bench-database';
import { benchProfile } from './bench-profile';
import { deliveryCost } from './delivery-cost';
import { fanoutRounds } from './fanout';
import { historyLatency } from './history-latency';
import { registerAndLogIn } from './http-client';
import { idleGrowthRounds } from './idle-memory';
import { latencyRounds } from './latency';
import { machineDescription } from './machine';
import { throughNginx } from './nginx-stack';
import { overloadStep } from './overload';
import { presenceRounds } from './presence';
import { renderReport } from './report';
import { roomsRounds } from './rooms';
import { RoomsScaleOut, roomsScaleOut } from './rooms-scale-out';
import { ScaleOut, scaleOutFanout, startPair } from './scale-out';
import { sdkFrameCost } from './sdk-cost';
import { RunningServer, ServerKind, startServer, stopServer } from './servers';
import { median } from './stats';

const smoke = process.argv.includes('--smoke');
const write = !smoke && !process.argv.includes('--no-write');
const profile = benchProfile(smoke);
const KINDS: ServerKind[] = ['naive', 'coalescing', 'chat'];

async function main(): Promise<void> {
  const started = performance.now();
  // 0. The SDK's own cost per received frame, in this process while nothing else runs.
  const sdk = await sdkFrameCost(profile.sdkFrames);
  const databaseUrl = await createBenchDatabase();
  const servers = new Map<ServerKind, RunningServer>();
  for (const kind of KINDS)
    servers.set(kind, await startServer(kind, { DATABASE_URL: databaseUrl }));
  const tokens = await registerAndLogIn(servers.get('chat')!.httpUrl, profile.senders);
  const tokensFor = (kind: ServerKind) => (kind === 'chat' ? tokens : undefined);

  try {
    // 1. Fan-out: rising rate until fewer than 99% of deliveries arrive or p99 passes 100 ms.
    const fanout = await fanoutRounds(servers, tokensFor, profile);
    // 2. Latency at a moderate load.
    const latency = await latencyRounds(servers, tokensFor, profile);
    // 3. CPU per delivery at one steady rate, against the coalescing baseline.
    const cost = await deliveryCost(
      [
        { label: 'coalescing', servers: [servers.get('coalescing')!] },
        { label: 'chat', servers: [servers.get('chat')!], tokens },
      ],
      profile.deliveryCost,
    );
    // 4. Overload: one step above the highest rate the chat server sustained.
    const sustainable = median(fanout.highest.get('chat')!) / profile.connections;
    const overload = await overloadStep(
      servers.get('chat')!,
      tokens,
      profile.overload,
      sustainable,
    );
    // 5. Rooms: users in rooms of their own (and general), against the baseline given the rooms.
    const rooms = await roomsRounds(servers, profile, databaseUrl);
    for (const kind of ['naive', 'coalescing'] as const) await stopServer(servers.get(kind)!);

    // 6. and 7. Two instances over Redis against the chat server alone: the same rooms, then the
    // fan-out (CPU per delivery at one rate, and the rate search on the pair).
    const one = servers.get('chat')!;
    const pair = await startPair(databaseUrl);
    let roomsSpread: RoomsScaleOut;
    let scaleOut: ScaleOut;
    try {
      roomsSpread = await roomsScaleOut(
        one,
        pair,
        rooms.users,
        rooms.layout,
        profile.roomsScaleOut,
        profile.rounds,
      );
      scaleOut = await scaleOutFanout(one, pair, tokens, profile);
    } finally {
      for (const server of pair) await stopServer(server);
    }
    fanout.lastSteps.set('chat, two instances', scaleOut.lastSteps);
    await stopServer(one);
    servers.clear();

    // 8. Presence: users connecting at once and leaving, seen by a watcher, and what it cost.
    const presenceServer = await startServer('chat', {
      DATABASE_URL: databaseUrl,
      PRESENCE_ROOM_LIMIT: String(profile.presence.roomLimit),
    });
    const presence = await presenceRounds(
      presenceServer,
      profile.presence,
      profile.rounds,
      databaseUrl,
    ).finally(() => stopServer(presenceServer));

    // 9. Idle memory per connection, each reading on a freshly started server.
    const idle = await idleGrowthRounds(
      ['naive', 'chat'],
      databaseUrl,
      tokens[0],
      profile.idle,
      profile.rounds,
      profile.idleStartMs,
    );

    // 10. Sockets through nginx over two instances: memory, a broadcast, one instance killed.
    const nginx = await throughNginx(
      databaseUrl,
      profile.nginx,
      idle.get('naive')!,
      profile.idleStartMs,
    );

    // 11. History with many stored messages.
    const history = await historyLatency(databaseUrl, profile);

    const report = renderReport(
      {
        fanout: fanout.highest,
        fanoutSteps: fanout.lastSteps,
        latency,
        idle,
        history,
        scaleOut: scaleOut.results,
        scaleOutCost: scaleOut.cost,
        rooms,
        roomsSpread,
        deliveryCost: cost,
        overload,
        nginx,
        presence,
        sdk,
        seconds: (performance.now() - started) / 1000,
        machine: machineDescription(),
      },
      profile,
    );
    console.log(report.table);
    console.log(`BENCH_RESULT ${JSON.stringify(report.summary)}`);
    if (write) writeFileSync(join(__dirname, '../../../BENCHMARKS.md'), report.markdown);
  } finally {
    for (const server of servers.values()) await stopServer(server);
    await dropBenchDatabase();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
