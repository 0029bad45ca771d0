import { TestApp } from './test-app';

/** Reads /metrics into a map from series (`name{a="1",b="2"}`, labels sorted) to value. */
export async function readMetrics(t: TestApp): Promise<Map<string, number>> {
  const response = await t.http.get('/metrics').expect(200);
  const series = new Map<string, number>();
  for (const line of response.text.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) continue;
    const [, name, labels, value] = match;
    series.set(seriesKey(name, parseLabels(labels ?? '')), Number(value));
  }
  return series;
}

export function seriesKey(name: string, labels: Record<string, string> = {}): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((key) => `${key}="${labels[key]}"`);
  return pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [, key, value] of text.matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[key] = value;
  return labels;
}

/** How much each series moved between two readings (absent counts as 0). */
export function delta(
  before: Map<string, number>,
  after: Map<string, number>,
  name: string,
  labels?: Record<string, string>,
): number {
  const key = seriesKey(name, labels);
  return (after.get(key) ?? 0) - (before.get(key) ?? 0);
}
