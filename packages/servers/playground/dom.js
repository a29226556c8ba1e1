// A tiny element builder: text is always set as text, never parsed as HTML.

/**
 * `h("button", { type: "button", onclick }, "Send")`: attributes, `on*` listeners, children.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, any>} [attributes]
 * @param {...(Node | string | undefined | null)} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) if (child !== undefined && child !== null) element.append(child);
  return element;
}

/**
 * A labelled control.
 * @param {string} label
 * @param {HTMLElement} control
 */
export function field(label, control) {
  return h("label", { class: "field" }, label, control);
}

/**
 * A <select> of `[value, text]` pairs.
 * @param {Record<string, any>} attributes
 * @param {readonly (readonly [string, string])[]} options
 */
export function select(attributes, options) {
  return h("select", attributes, ...options.map(([value, text]) => h("option", { value }, text)));
}
