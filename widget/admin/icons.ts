import { svgEl } from './dom-builder.js';

/** Path data of the few icons the console draws (24×24, stroked). */
const ICON_PATHS = {
  trash: ['M4 7h16', 'M10 11v6', 'M14 11v6', 'M6 7l1 13h10l1-13', 'M9 7V4h6v3'],
  close: ['M6 6l12 12', 'M18 6L6 18'],
  copy: ['M9 9h11v11H9z', 'M5 15H4V4h11v1'],
  download: ['M12 4v11', 'M7 10l5 5 5-5', 'M5 20h14'],
} as const;

export type IconName = keyof typeof ICON_PATHS;

/** A decorative icon (hidden from assistive technology: the button around it carries the name). */
export function icon(name: IconName): SVGSVGElement {
  return svgEl('svg', { viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false', class: 'icon' }, ICON_PATHS[name].map((d) => svgEl('path', { d })));
}
