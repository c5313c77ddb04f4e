import type { BotMessage } from '../../core/chat-protocol.js';
import { element } from '../shadow-mount.js';
import { safeHttpUrl } from './safe-url.js';

/** A link that opens in a new tab without giving the new page a handle on this one. */
export function externalLink(href: string, label: string, className = ''): HTMLAnchorElement {
  const link = element('a', className, { href, target: '_blank', rel: 'noopener noreferrer' });
  link.textContent = label;
  return link;
}

function bubble(kind: 'bot' | 'user' | 'end'): HTMLDivElement {
  return element('div', `msg ${kind}`);
}

function scrollToEnd(log: HTMLElement): void {
  log.scrollTop = log.scrollHeight;
}

/** Appends a bot message; text is set with `textContent`, links only for http(s) URLs. */
export function appendBotMessage(log: HTMLElement, message: BotMessage): void {
  const node = bubble('bot');
  if (message.kind === 'link') {
    const href = safeHttpUrl(message.url);
    if (href) node.append(externalLink(href, message.label || href));
    else node.textContent = message.label;
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
