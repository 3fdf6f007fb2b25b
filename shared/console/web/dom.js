/**
 * A small element builder: h('a', { href: '#/', class: 'x' }, 'text', child). Attributes starting with `on`
 * become listeners; `null`, `undefined` and `false` children are skipped. Text is always set as text, never
 * parsed as HTML, so names and payloads from the API cannot inject markup.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith('on') && typeof value === 'function') element.addEventListener(name.slice(2), value);
    else if (name === 'dataset') Object.assign(element.dataset, value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  append(element, children);
  return element;
}

function append(element, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(element, child);
    else element.append(child instanceof Node ? child : String(child));
  }
}

/** An element's content, replaced. */
export function fill(element, ...children) {
  element.replaceChildren();
  append(element, children);
  return element;
}

/**
 * A milestone of the page's loading, as a User Timing mark (`statefold:…`, once per document): the console's
 * own record of when its first rows, its history and its graph were drawn, which the browser's performance
 * tools and the console's load test read. Marks count from the document's navigation start.
 */
export function milestone(name) {
  const mark = `statefold:${name}`;
  if (performance.getEntriesByName(mark, 'mark').length === 0) performance.mark(mark);
}

/** Resolves once the browser has painted what is in the document now (the frame after the next). */
export function afterPaint() {
  return new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
}
