/** One target of an issue as BENCHMARKS.md reports it: what it asks, what was measured, met or not. */
export interface TargetVerdict {
  target: string;
  measured: string;
  met: boolean;
}
