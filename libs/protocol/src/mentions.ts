/** A message mentions at most this many names; the ones after are plain text. */
export const MENTIONS_MAX = 50;
/** The longest user name (the registration rule), in characters. */
const NAME_MAX_CHARACTERS = 100;

/**
 * `@name` or `@[name]`, not right after a letter, digit or `_` (so an e-mail address mentions
 * nobody). The short form runs to the next space or `@` (and does not start with `[`); the
 * bracketed one holds any name, spaces included, up to the first `]`, at most
 * NAME_MAX_CHARACTERS between the brackets. That bound keeps the work linear: an `@[` never
 * closed is read for at most that many characters, not to the end of the text from each one.
 */
const MENTION = new RegExp(
  String.raw`(?<![\p{L}\p{N}_])@(?:\[([^\]\p{Cc}]{1,${NAME_MAX_CHARACTERS}})\]|([^\s@\p{Cc}[][^\s@\p{Cc}]*))`,
  'gu',
);
/** Punctuation that ends a sentence or a clause, taken off the end of a short-form name. */
const TRAILING_PUNCTUATION = new Set(`.,;:!?'"’”»)]}>…`);

/**
 * The names a message's text mentions, in order of first appearance, each once (ignoring case, as
 * user names are unique ignoring case), at most MENTIONS_MAX. The server resolves them to user ids
 * when it stores the message (names that are nobody's, or not a member's in a private room, name
 * no one); a client can use it to find the mentions in a text it shows.
 *
 * `@alice` names "alice"; `@alice,` and `(@alice)` too, since trailing punctuation is not part of
 * a short-form name. A name with spaces, or ending in punctuation, is written `@[Jane Doe]`.
 */
export function mentionedNames(text: string): string[] {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const match of text.matchAll(MENTION)) {
    const name = match[1] !== undefined ? match[1].trim() : withoutTrailingPunctuation(match[2]);
    const length = [...name].length;
    if (length === 0 || length > NAME_MAX_CHARACTERS) continue;
    const key = name.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    names.push(name);
    if (names.length === MENTIONS_MAX) break;
  }
  return names;
}

/** Read from the end, once: a pattern anchored at the end would read the run from each start. */
function withoutTrailingPunctuation(name: string): string {
  let end = name.length;
  while (end > 0 && TRAILING_PUNCTUATION.has(name[end - 1])) end -= 1;
  return name.slice(0, end);
}
