/** What a child of a built element may be: nodes, or text (always inserted as a text node). */
export type Child = Node | string | null | undefined | false;

/** Options of a built element; attribute values are set with setAttribute, text with textContent. */
export interface ElementOptions {
  readonly className?: string;
  /** `true` sets an empty attribute, `false`/`undefined` leaves it out. */
  readonly attrs?: Readonly<Record<string, string | number | boolean | undefined>>;
  readonly text?: string;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

/**
 * Builds an element without ever parsing HTML: every string becomes a text node, so values
 * from the API (emails, free text) can never turn into markup.
 *
 * @example
 * el('button', { className: 'danger', attrs: { type: 'button' }, on: { click: remove } }, ['Delete'])
 */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, options: ElementOptions = {}, children: readonly Child[] = []): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (options.className) element.className = options.className;
  for (const [name, value] of Object.entries(options.attrs ?? {})) {
    if (value === undefined || value === false) continue;
    element.setAttribute(name, value === true ? '' : String(value));
  }
  if (options.text !== undefined) element.textContent = options.text;
  for (const [type, listener] of Object.entries(options.on ?? {})) element.addEventListener(type, listener as EventListener);
  append(element, children);
  return element;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/**
 * Builds an SVG element the same way: attributes with setAttribute, strings as text nodes.
 *
 * @example
 * svgEl('rect', { x: 0, y: 4, width: '40%', height: 12, class: 'bar' })
 */
export function svgEl<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Readonly<Record<string, string | number>> = {}, children: readonly Child[] = []): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  append(element, children);
  return element;
}

/** Appends children (text as text nodes, falsy values skipped). */
export function append(parent: Node, children: readonly Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** Replaces every child of `parent`. */
export function replaceChildren(parent: Element, children: readonly Child[]): void {
  while (parent.firstChild) parent.removeChild(parent.firstChild);
  append(parent, children);
}

let counter = 0;

/** A document-unique id for label/description associations. */
export function uniqueId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** Text only screen readers announce (e.g. " rows" after a bare count). */
export function srOnly(text: string): HTMLSpanElement {
  return el('span', { className: 'sr-only', text });
}
