// A tiny element builder: text is always set as text, never parsed as HTML.

/** `h("button", { type: "button", onclick }, "Send")`: attributes, `on*` listeners, children. */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children.filter((child) => child !== undefined && child !== null));
  return element;
}

/** A labelled control. */
export function field(label, control) {
  return h("label", { class: "field" }, label, control);
}

/** A <select> of `[value, text]` pairs. */
export function select(attributes, options) {
  return h("select", attributes, ...options.map(([value, text]) => h("option", { value }, text)));
}
