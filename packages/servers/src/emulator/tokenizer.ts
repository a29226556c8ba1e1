// The emulator's tokenizer: a token is a run of letters, digits and underscores, or one other
// non-space character, together with the whitespace before it. Joining the tokens gives the text
// back (minus trailing whitespace), so streaming deltas, `max_tokens` truncation and `usage` agree.
const TOKEN = /\s*(?:[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s])/gu;

// Prompts and replies repeat (tests resend the same messages; replies come from a few templates):
// remembering recent tokenizations makes the common case a map lookup. Cleared when full.
const cache = new Map<string, readonly string[]>();
const CACHE_SIZE = 512;

/** Splits text into tokens that concatenate back to the text (trailing whitespace dropped). */
export function tokenize(text: string): readonly string[] {
  let tokens = cache.get(text);
  if (tokens === undefined) {
    tokens = text.match(TOKEN) ?? [];
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(text, tokens);
  }
  return tokens;
}

/** Number of tokens in `text`. */
export function countTokens(text: string): number {
  return tokenize(text).length;
}
