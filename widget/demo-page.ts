import { escapeHtml } from './html-escape.js';
import { FAVICON_LINK } from './favicon.js';
import { ATTRIBUTES } from './widget-options.js';

/** The embedding tag's optional attributes, as the page lists them. */
const OPTIONAL_ATTRIBUTES = Object.values(ATTRIBUTES)
  .filter((name) => name !== 'data-workspace' && name !== 'data-flow')
  .map((name) => `<code>${name}</code>`)
  .join(', ');

/** What the demo page embeds. */
export interface DemoPageOptions {
  readonly workspaceId: string;
  readonly flowId: string;
  /** Absolute URL of the widget script, e.g. `http://127.0.0.1:3000/widget.js`. */
  readonly widgetUrl: string;
}

/** The one-tag snippet a site owner pastes into their page. */
export function embedSnippet(options: DemoPageOptions, extra: Readonly<Record<string, string>> = {}): string {
  const attributes = [
    `src="${escapeHtml(options.widgetUrl)}"`,
    `data-workspace="${escapeHtml(options.workspaceId)}"`,
    `data-flow="${escapeHtml(options.flowId)}"`,
    ...Object.entries(extra).map(([name, value]) => `${name}="${escapeHtml(value)}"`),
  ];
  return `<script ${attributes.join(' ')}></script>`;
}

const PAGE_CSS = `
  :root { color-scheme: light; }
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f2937; background: #f8fafc; }
  main { max-width: 720px; margin: 0 auto; padding: 48px 24px 160px; }
  h1 { font-size: 2rem; margin: 0 0 .25rem; color: #312e81; }
  .lead { font-size: 1.125rem; color: #4b5563; margin-top: 0; }
  h2 { font-size: 1.125rem; margin-top: 2rem; }
  pre { background: #111827; color: #e5e7eb; padding: 16px; border-radius: 10px; overflow-x: auto; white-space: pre-wrap; word-break: break-all; user-select: all; }
  code { font: 14px/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
  dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
  dt { font-weight: 600; } dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
`;

/**
 * The "Parley demo" page: embeds the widget with the one-tag snippet (panel open at load) and
 * shows the snippet for copy-paste. Every value is escaped.
 *
 * @example
 * renderDemoPage({ workspaceId: 'ws_demo', flowId: 'welcome', widgetUrl: 'http://127.0.0.1:3000/widget.js' })
 */
export function renderDemoPage(options: DemoPageOptions): string {
  const snippet = embedSnippet(options);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Parley demo</title>
${FAVICON_LINK}
<style>${PAGE_CSS}</style>
</head>
<body>
<main>
  <h1>Parley demo</h1>
  <p class="lead">This page embeds a Parley chat flow. The chat panel is open in the corner: try it out.</p>
  <dl>
    <dt>Workspace</dt><dd>${escapeHtml(options.workspaceId)}</dd>
    <dt>Flow</dt><dd>${escapeHtml(options.flowId)}</dd>
  </dl>
  <h2>Add it to your site</h2>
  <p>Paste this tag anywhere in your page's HTML. Optional attributes: ${OPTIONAL_ATTRIBUTES} (the README's "Embedding the widget" tells what each does).</p>
  <pre><code id="snippet">${escapeHtml(snippet)}</code></pre>
</main>
${embedSnippet(options, { 'data-open': 'true' })}
</body>
</html>
`;
}
