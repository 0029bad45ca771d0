import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';

/** Cores, CPU model, Node and PostgreSQL versions, for the report's "Machine:" line. */
export function machineDescription(): string {
  const postgres = (() => {
    try {
      return execFileSync('psql', ['--version'], { encoding: 'utf8' }).trim();
    } catch {
      return 'PostgreSQL (version unknown)';
    }
  })();
  return `${cpus().length} cores (${cpus()[0]?.model.trim()}), Node ${process.version}, ${postgres}`;
}
