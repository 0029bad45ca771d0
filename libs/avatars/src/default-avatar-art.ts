/**
 * The default avatars as SVG: mirrored 5x5 patterns in the manner of identicons, each with its own
 * palette, drawn from a seeded generator so the same index always gives the same picture.
 */

export const AVATAR_SIZE = 72;

/** Background and foreground pairs, chosen for contrast and to tell avatars apart at a glance. */
const PALETTES: [string, string][] = [
  ['#fde2e4', '#d6336c'],
  ['#e3fafc', '#0c8599'],
  ['#fff3bf', '#e67700'],
  ['#ebfbee', '#2b8a3e'],
  ['#e7f5ff', '#1971c2'],
  ['#f3f0ff', '#6741d9'],
  ['#fff0f6', '#a61e4d'],
  ['#f8f0fc', '#9c36b5'],
  ['#e6fcf5', '#087f5b'],
  ['#fff4e6', '#d9480f'],
  ['#edf2ff', '#3b5bdb'],
  ['#f4fce3', '#5c940d'],
  ['#212529', '#ffd43b'],
  ['#1b2b44', '#66d9e8'],
  ['#2b1d3d', '#f783ac'],
  ['#14342b', '#8ce99a'],
  ['#3d1f14', '#ffa94d'],
  ['#f1f3f5', '#495057'],
  ['#ffe3e3', '#c92a2a'],
  ['#e9fac8', '#364fc7'],
];

export const DEFAULT_AVATAR_TOTAL = PALETTES.length;

/** mulberry32: a small, well-known 32-bit PRNG, enough to vary shapes deterministically. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The pattern of avatar `index` (0-based): 15 cells drawn, mirrored to 25. */
export function defaultAvatarSvg(index: number): string {
  const [background, foreground] = PALETTES[index % PALETTES.length];
  const next = random(0x5eed + index * 7919);
  const cell = 12;
  const margin = (AVATAR_SIZE - 5 * cell) / 2;
  const cells: string[] = [];
  for (let row = 0; row < 5; row++) {
    for (let column = 0; column < 3; column++) {
      // Keep the pattern neither empty nor solid: about 55% of the cells are drawn.
      if (next() < 0.45) continue;
      for (const x of new Set([column, 4 - column])) {
        cells.push(
          `<rect x="${margin + x * cell}" y="${margin + row * cell}" width="${cell}" height="${cell}" rx="3"/>`,
        );
      }
    }
  }
  return svg(background, `<g fill="${foreground}">${cells.join('')}</g>`);
}

/** A muted silhouette with a slash, for accounts that were deleted. */
export function deletedAvatarSvg(): string {
  const shapes =
    '<g fill="#adb5bd"><circle cx="36" cy="28" r="12"/><path d="M14 62c2-13 11-20 22-20s20 7 22 20z"/></g>' +
    '<path d="M16 16L56 56" stroke="#868e96" stroke-width="5" stroke-linecap="round"/>';
  return svg('#dee2e6', shapes);
}

function svg(background: string, content: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${AVATAR_SIZE}" height="${AVATAR_SIZE}" viewBox="0 0 ${AVATAR_SIZE} ${AVATAR_SIZE}">` +
    `<rect width="${AVATAR_SIZE}" height="${AVATAR_SIZE}" fill="${background}"/>${content}</svg>`
  );
}
