// The fault suite's setup: the main suite's (database server and template), plus an empty file
// for the figures each test records.
import { mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import baseGlobalSetup from '../global-setup';
import { REPORT_FILE_VARIABLE } from './support/reliability-report';

export default async function globalSetup(): Promise<void> {
  const reportFile = join(__dirname, '../../../../.data/fault-figures.jsonl');
  mkdirSync(dirname(reportFile), { recursive: true });
  rmSync(reportFile, { force: true });
  process.env[REPORT_FILE_VARIABLE] = reportFile;
  await baseGlobalSetup();
}
