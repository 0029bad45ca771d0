/** `n` with `digits` decimals, or 'n/a' when it is not a finite number (e.g. a ratio over 0). */
export function fixed(n: number, digits = 1): string {
  return Number.isFinite(n) ? n.toFixed(digits) : 'n/a';
}

/** `n` rounded, with thousands separators (1,234,567), or 'n/a' when it is not finite. */
export function thousands(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

/** A share (0.42) as a whole percentage ("42%"), or 'n/a' when it is not finite. */
export function percent(share: number): string {
  return Number.isFinite(share) ? `${(100 * share).toFixed(0)}%` : 'n/a';
}
