import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';

/** Set by the faults global setup: where each test appends its figures. */
export const REPORT_FILE_VARIABLE = 'CHAT_FAULTS_REPORT_FILE';

export interface FaultFigures {
  scenario: string;
  runs: number;
  acknowledged: number;
  lost: number;
  duplicated: number;
  /** Seconds from the fault's end until the service worked again, one per run. */
  recoverySeconds: number[];
}

/** Adds one scenario's figures to this run's report and prints them. */
export function recordFigures(figures: FaultFigures): void {
  process.stdout.write(`FAULT_FIGURES ${JSON.stringify(figures)}\n`);
  appendFileSync(process.env[REPORT_FILE_VARIABLE]!, `${JSON.stringify(figures)}\n`);
}

/** A scenario with no message traffic to count: refusals, or a restart and its recovery time. */
export function recordChecks(scenario: string, runs: number, recoverySeconds: number[] = []): void {
  recordFigures({ scenario, runs, acknowledged: 0, lost: 0, duplicated: 0, recoverySeconds });
}

/** Rewrites RELIABILITY.md from this run's figures. */
export function writeReport(reportFile: string, target: string): void {
  if (!existsSync(reportFile)) return;
  const rows = readFileSync(reportFile, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as FaultFigures)
    .sort((a, b) => a.scenario.localeCompare(b.scenario));
  const table = rows.map(
    (row) =>
      `| ${row.scenario} | ${row.runs} | ${row.acknowledged} | ${row.lost} | ${row.duplicated} | ${recovery(row.recoverySeconds)} |`,
  );
  writeFileSync(
    target,
    [
      '# Reliability',
      '',
      'Figures from the fault suite: real PostgreSQL, Redis and server processes are stopped, killed',
      'and restarted under a steady load of real WebSocket clients. "Acknowledged" counts messages',
      'whose sender received them back; "lost" counts acknowledged messages missing from the',
      'database or from any client at the end; "duplicated" counts extra rows or extra deliveries.',
      'The target for lost and duplicated is always zero.',
      '',
      `Produced by \`npm run test:faults\` on ${new Date().toISOString().slice(0, 10)}: ` +
        `${os.cpus().length} cores, Node ${process.version}.`,
      '',
      '| scenario | runs | acknowledged | lost | duplicated | recovery time (s) |',
      '| --- | --- | --- | --- | --- | --- |',
      ...table,
      '',
      'Recovery time (median / worst over the runs): from the end of the fault (PostgreSQL or the',
      'server started again, Redis restarted; for the embedded database, the kill itself) until a',
      'message was acknowledged again (Redis, embedded database: until readiness answered 200).',
      '',
    ].join('\n'),
  );
}

function recovery(seconds: number[]): string {
  if (seconds.length === 0) return 'n/a';
  const sorted = [...seconds].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${median.toFixed(1)} / ${sorted[sorted.length - 1].toFixed(1)}`;
}
