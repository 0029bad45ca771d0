import { mentionedNames } from '@chat/client';

/** A piece of a message's text: plain, or an @name (`mine` when it names the viewer). */
export type TextPart = { text: string; mention?: 'mine' | 'other' };

/**
 * A message's text cut where its @names are (the names the server reads as mentions, written
 * `@name` or `@[name]`), so that they can be styled and the viewer's own stand out.
 */
export function mentionParts(text: string, myName: string): TextPart[] {
  const names = mentionedNames(text);
  if (names.length === 0) return text === '' ? [] : [{ text }];
  // Longest first, so that `@alice` is not read as `@al` followed by "ice".
  const written = names
    .flatMap((name) => [`@[${name}]`, `@${name}`])
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp);
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}_])(?:${written.join('|')})`, 'giu');
  const parts: TextPart[] = [];
  let from = 0;
  for (const match of text.matchAll(pattern)) {
    const name = match[0].replace(/^@\[?|\]$/g, '');
    const mine = name.toLowerCase() === myName.toLowerCase();
    parts.push({ text: text.slice(from, match.index) });
    parts.push({ text: match[0], mention: mine ? 'mine' : 'other' });
    from = match.index + match[0].length;
  }
  parts.push({ text: text.slice(from) });
  return parts.filter((part) => part.text !== '');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
