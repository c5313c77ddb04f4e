import { MAX_STAMP_GOAL, type BotMessage } from '../../core/chat-protocol.js';
import type { WidgetStrings } from '../widget-strings.js';
import { element } from '../shadow-mount.js';
import { safeHttpUrl } from './safe-url.js';

/** A link that opens in a new tab without giving the new page a handle on this one. */
export function externalLink(href: string, label: string, className = ''): HTMLAnchorElement {
  const link = element('a', className, { href, target: '_blank', rel: 'noopener noreferrer' });
  link.textContent = label;
  return link;
}

/**
 * The line (class `className`) under an input with its terms link, worded `label` or else
 * `fallback` (the widget's word for terms); none unless `url` is a safe http(s) address.
 */
export function termsLine(url: string | undefined, label: string | undefined, fallback: string, className = ''): HTMLElement | undefined {
  const href = safeHttpUrl(url);
  if (!href) return undefined;
  const line = element('div', className);
  line.append(externalLink(href, label || fallback, 'terms'));
  return line;
}

function bubble(kind: 'bot' | 'user' | 'end'): HTMLDivElement {
  return element('div', `msg ${kind}`);
}

function scrollToEnd(log: HTMLElement): void {
  log.scrollTop = log.scrollHeight;
}

/**
 * A loyalty card as a row of places, the stamped ones filled: one image for assistive
 * technology, named in words (`say`). Numbers that do not make a card draw nothing.
 */
function stampCard(node: HTMLElement, filled: number, goal: number, say: (filled: number, goal: number) => string): void {
  if (!Number.isInteger(goal) || goal < 1 || goal > MAX_STAMP_GOAL || !Number.isInteger(filled)) return;
  const stamped = Math.min(Math.max(filled, 0), goal);
  node.classList.add('stamps');
  node.setAttribute('role', 'img');
  node.setAttribute('aria-label', say(stamped, goal));
  for (let place = 0; place < goal; place += 1) node.append(element('span', place < stamped ? 'stamp filled' : 'stamp'));
}

/** Appends a bot message; text is set with `textContent`, links only for http(s) URLs. */
export function appendBotMessage(log: HTMLElement, message: BotMessage, strings: Pick<WidgetStrings, 'stampCard'>): void {
  const node = bubble('bot');
  if (message.kind === 'link') {
    const href = safeHttpUrl(message.url);
    if (href) node.append(externalLink(href, message.label || href));
    else node.textContent = message.label;
  } else if (message.kind === 'stamps') {
    stampCard(node, message.filled, message.goal, strings.stampCard);
    if (!node.hasChildNodes()) return;
  } else {
    node.textContent = message.text;
  }
  log.append(node);
  scrollToEnd(log);
}

/** Appends what the visitor answered, as they will recognise it. */
export function appendUserMessage(log: HTMLElement, text: string): HTMLElement {
  const node = bubble('user');
  node.textContent = text;
  log.append(node);
  scrollToEnd(log);
  return node;
}

/** Appends a quiet line such as "The conversation has ended." */
export function appendEndLine(log: HTMLElement, text: string): void {
  const node = bubble('end');
  node.textContent = text;
  log.append(node);
  scrollToEnd(log);
}
