import { WIDGET_CSS } from './widget-styles.js';
import type { WidgetPosition, WidgetTheme } from './widget-options.js';
import type { WidgetStrings } from './widget-strings.js';

/** The elements of one mounted widget, all inside its own open shadow root. */
export interface WidgetElements {
  readonly host: HTMLElement;
  readonly shadow: ShadowRoot;
  readonly launcher: HTMLButtonElement;
  readonly panel: HTMLElement;
  readonly hideButton: HTMLButtonElement;
  readonly status: HTMLElement;
  readonly log: HTMLElement;
  readonly notice: HTMLElement;
  readonly composer: HTMLElement;
}

/** What the skeleton shows before any chat happens. */
export interface MountRequest {
  readonly id: string;
  readonly slot: number;
  readonly title: string;
  readonly workspace: string;
  readonly flow: string;
  readonly strings: WidgetStrings;
  /** The embedding script; the host goes right after it when it sits in the body. */
  readonly script: HTMLScriptElement | null;
  readonly position: WidgetPosition;
  readonly theme: WidgetTheme;
  /** A checked CSS colour for `--parley-accent`, or undefined for the default. */
  readonly color: string | undefined;
  /** A checked http(s) image URL for the header. */
  readonly avatar: string | undefined;
  /** Inline mode: the element the chat is mounted into (no launcher, always shown). */
  readonly container: HTMLElement | undefined;
}

const CHAT_ICON = 'M21 12a8 8 0 0 1-11.6 7.1L4 20.5l1.4-4.9A8 8 0 1 1 21 12z';
const CLOSE_ICON = 'M6 6l12 12M18 6L6 18';

/** Small DOM helper: an element with a class and attributes. */
export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className: string,
  attributes: Readonly<Record<string, string>> = {},
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function icon(path: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  const shape = document.createElementNS(ns, 'path');
  shape.setAttribute('d', path);
  svg.append(shape);
  return svg;
}

function placeHost(host: HTMLElement, script: HTMLScriptElement | null, container: HTMLElement | undefined): void {
  if (container) {
    container.append(host);
  } else if (script?.parentNode && document.body?.contains(script)) {
    script.after(host);
  } else if (document.body) {
    document.body.append(host);
  } else {
    document.addEventListener('DOMContentLoaded', () => document.body.append(host), { once: true });
  }
}

/** Creates the host element, its shadow root and the closed launcher and panel. */
export function mountShadow(request: MountRequest): WidgetElements {
  const { id, strings } = request;
  const host = document.createElement('parley-chat');
  host.setAttribute('data-workspace', request.workspace);
  host.setAttribute('data-flow', request.flow);
  host.id = id;
  const shadow = host.attachShadow({ mode: 'open' });

  const style = document.createElement('style');
  style.textContent = WIDGET_CSS;
  const root = element('div', 'root', {
    'data-position': request.position,
    'data-theme': request.theme,
    'data-mode': request.container ? 'inline' : 'bubble',
  });
  root.style.setProperty('--slot', String(request.slot));
  if (request.color) root.style.setProperty('--parley-accent', request.color);

  const panel = element('section', 'panel', { id: `${id}-panel`, role: 'dialog', 'aria-labelledby': `${id}-title` });
  panel.hidden = request.container === undefined;
  const header = element('div', 'header');
  if (request.avatar) header.append(element('img', 'avatar', { src: request.avatar, alt: '', referrerpolicy: 'no-referrer' }));
  const title = element('h2', 'title', { id: `${id}-title` });
  title.textContent = request.title;
  const hideButton = element('button', 'icon-button hide', { type: 'button', 'aria-label': strings.hideChat });
  hideButton.append(icon(CLOSE_ICON));
  header.append(title, hideButton);
  const status = element('p', 'status', { role: 'status' });
  const log = element('div', 'log', { id: `${id}-log`, role: 'log', 'aria-live': 'polite', 'aria-label': strings.conversation });
  const notice = element('p', 'notice', { 'aria-live': 'polite' });
  const composer = element('div', 'composer', { id: `${id}-composer` });
  panel.append(header, status, log, notice, composer);

  const launcher = element('button', 'launcher', {
    type: 'button',
    'aria-label': strings.openChat,
    'aria-expanded': 'false',
    'aria-controls': panel.id,
  });
  launcher.append(icon(CHAT_ICON));

  root.append(panel, launcher);
  shadow.append(style, root);
  placeHost(host, request.script, request.container);
  return { host, shadow, launcher, panel, hideButton, status, log, notice, composer };
}
