// The emulator's tokenizer: a token is a run of letters, digits and underscores, or one other
// non-space character, together with the whitespace before it. Joining the tokens gives the text
// back (minus trailing whitespace), so streaming deltas, `max_tokens` truncation and `usage` agree.
const TOKEN = /\s*(?:[\p{L}\p{N}_]+|[^\p{L}\p{N}_\s])/gu;

/** Splits text into tokens that concatenate back to the text (trailing whitespace dropped). */
export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

/** Number of tokens in `text`. */
export function countTokens(text: string): number {
  return tokenize(text).length;
}
