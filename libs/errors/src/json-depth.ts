/** Deeper JSON bodies are refused before parsing: deep nesting costs stack, never meaning. */
const MAX_JSON_DEPTH = 32;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENING = new Set([0x5b, 0x7b]); // [ {
const CLOSING = new Set([0x5d, 0x7d]); // ] }

/** For body-parser's `verify`: throws when `raw` nests arrays and objects deeper than the limit. */
export function refuseDeepJson(_request: unknown, _response: unknown, raw: Buffer): void {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < raw.length; i++) {
    const byte = raw[i];
    if (inString) {
      // The character after a backslash is escaped: it cannot end the string.
      if (byte === BACKSLASH) i++;
      else if (byte === QUOTE) inString = false;
    } else if (byte === QUOTE) {
      inString = true;
    } else if (OPENING.has(byte) && ++depth > MAX_JSON_DEPTH) {
      throw new TooDeepJsonError();
    } else if (CLOSING.has(byte)) {
      depth--;
    }
  }
}

/** body-parser keeps this error's `type` and message; the exception filter answers 422 with it. */
class TooDeepJsonError extends Error {
  readonly type = 'entity.too.deep';

  constructor() {
    super(`body must not nest deeper than ${MAX_JSON_DEPTH} levels`);
  }
}
