// Model output as HTML: marked renders, DOMPurify removes scripts, event handlers and
// `javascript:` URLs ("Marked does not sanitize the output HTML", marked's README).
import { marked } from "./vendor/marked.js";
import DOMPurify from "./vendor/purify.js";

DOMPurify.addHook("afterSanitizeAttributes", (node) => {
  if (node.tagName === "A" && node.hasAttribute("href")) {
    node.setAttribute("target", "_blank");
    node.setAttribute("rel", "noopener noreferrer");
  }
});

/**
 * Sanitized HTML for a Markdown text.
 * @param {string} text
 */
export function renderMarkdown(text) {
  return DOMPurify.sanitize(marked.parse(text, { async: false, gfm: true }));
}
