/** Deeper JSON bodies are refused before parsing: deep nesting costs stack, never meaning. */
export const MAX_JSON_DEPTH = 32;

/** For body-parser's `verify`: throws when `raw` nests arrays and objects deeper than the limit. */
export function refuseDeepJson(_request: unknown, _response: unknown, raw: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      if (byte === 0x5c)
        i++; // backslash: skip the escaped character
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) {
      inString = true;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw new TooDeepJsonError();
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
}

export class TooDeepJsonError extends Error {
  readonly type = 'entity.too.deep';

  constructor() {
    super(`body must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  }
}
