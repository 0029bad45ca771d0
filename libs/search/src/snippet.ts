import { randomBytes } from 'node:crypto';
import type { SnippetPart } from '@chat/protocol';

/**
 * The marks ts_headline puts around each match. Random for every search, so no message text can
 * hold them: the snippet is split on them into parts, and no client has to parse markup out of
 * what users wrote.
 */
export interface HighlightMarks {
  start: string;
  stop: string;
}

export function highlightMarks(): HighlightMarks {
  const nonce = randomBytes(12).toString('hex');
  return { start: `hs${nonce}`, stop: `he${nonce}` };
}

/** A headline written with `marks`, as the parts it marks and does not. */
export function snippetParts(headline: string, marks: HighlightMarks): SnippetPart[] {
  const parts: SnippetPart[] = [];
  const push = (text: string, match: boolean) => {
    if (text !== '') parts.push({ text, match });
  };
  for (const [index, piece] of headline.split(marks.start).entries()) {
    if (index === 0) {
      push(piece, false);
      continue;
    }
    const end = piece.indexOf(marks.stop);
    if (end === -1) {
      push(piece, true);
      continue;
    }
    push(piece.slice(0, end), true);
    push(piece.slice(end + marks.stop.length), false);
  }
  return merged(parts);
}

/** Neighbouring parts of the same kind, as one. */
function merged(parts: SnippetPart[]): SnippetPart[] {
  const result: SnippetPart[] = [];
  for (const part of parts) {
    const last = result.at(-1);
    if (last && last.match === part.match) last.text += part.text;
    else result.push({ ...part });
  }
  return result;
}
