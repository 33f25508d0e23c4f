// The only way the demo writes to the page: elements built with text nodes. User data never
// goes through innerHTML, so a message like <img src=x onerror=...> stays text.

/** Creates an element with attributes and children (strings become text nodes). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    node.append(typeof child === 'string' ? document.createTextNode(child) : child);
  }
  return node;
}

export const byId = (id) => document.getElementById(id);

/** Sets an element's text (textContent, never HTML). */
export function setText(node, text) {
  node.textContent = text;
}

/** A <time> element for an ISO-8601 instant, shown as the local hour and minute. */
export function timeElement(iso) {
  const date = new Date(iso);
  const valid = !Number.isNaN(date.getTime());
  const label = valid ? date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
  return el('time', { datetime: valid ? date.toISOString() : undefined, title: valid ? date.toLocaleString() : undefined }, label);
}
