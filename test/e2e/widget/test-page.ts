import { escapeHtml } from '../../../widget/html-escape.js';
import { TEST_WORKSPACE } from './fake-gateway.js';

/** One embedding tag on a test page. */
export interface EmbeddedWidget {
  readonly flow: string;
  readonly title?: string;
  readonly open?: boolean;
  readonly workspace?: string;
  readonly locale?: string;
  /** `data-idle-timeout`, in seconds. */
  readonly idleTimeout?: number;
}

/** A host page with the given widgets (one tag each), page CSS and body content. */
export function testPage(gatewayUrl: string, widgets: readonly EmbeddedWidget[], options: { css?: string; body?: string } = {}): string {
  const tags = widgets.map((w) => {
    const attributes = [
      `src="${gatewayUrl}/widget.js"`,
      `data-workspace="${escapeHtml(w.workspace ?? TEST_WORKSPACE)}"`,
      `data-flow="${escapeHtml(w.flow)}"`,
      ...(w.title ? [`data-title="${escapeHtml(w.title)}"`] : []),
      ...(w.open ? ['data-open="true"'] : []),
      ...(w.locale ? [`data-locale="${escapeHtml(w.locale)}"`] : []),
      ...(w.idleTimeout !== undefined ? [`data-idle-timeout="${w.idleTimeout}"`] : []),
    ];
    return `<script ${attributes.join(' ')}></script>`;
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Host page</title>
<style>${options.css ?? ''}</style></head>
<body><h1>A host page</h1>${options.body ?? ''}
${tags.join('\n')}
</body></html>`;
}
