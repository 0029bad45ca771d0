import { join } from 'node:path';
import baseGlobalTeardown from '../global-teardown';
import { REPORT_FILE_VARIABLE, writeReport } from './support/reliability-report';

export default async function globalTeardown(): Promise<void> {
  await baseGlobalTeardown();
  writeReport(process.env[REPORT_FILE_VARIABLE]!, join(__dirname, '../../../../RELIABILITY.md'));
}
