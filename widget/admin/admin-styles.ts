/**
 * The console's style sheet (served inside the page's `<style>`, allowed by the CSP's
 * `style-src 'unsafe-inline'`). Mobile first: usable from 360 px wide, tables scroll inside
 * their own container so the page never scrolls sideways.
 */
export const ADMIN_CSS = `
:root { color-scheme: light; --accent: #4338ca; --accent-dark: #3730a3; --ink: #1f2937; --muted: #6b7280; --line: #e5e7eb;
  --bg: #f8fafc; --card: #fff; --danger: #b91c1c; --danger-bg: #fef2f2; --ok: #047857; --focus: #2563eb; }
*, *::before, *::after { box-sizing: border-box; }
html, body { margin: 0; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--bg); overflow-wrap: anywhere; }
h1 { font-size: 1.25rem; margin: 0; }
h2 { font-size: 1.125rem; margin: 0 0 .25rem; }
p { margin: .25rem 0; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.muted { color: var(--muted); }
.mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .875rem; }
.nowrap { white-space: nowrap; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }

.top { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 16px; padding: 12px 16px; background: var(--accent); color: #fff; }
.top .button { background: transparent; color: #fff; border-color: rgba(255,255,255,.6); }
.top .button:hover { background: var(--accent-dark); }
.brand { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 12px; min-width: 0; }
.workspace-name { opacity: .9; }
.console-read-only [data-writes], .console-no-settings [data-writes="settings"] { display: none !important; }
.key-badge { padding: 2px 10px; border-radius: 999px; background: #fff; color: var(--accent-dark); font-size: .8125rem; font-weight: 600; }
.content { max-width: 1200px; margin: 0 auto; padding: 12px 16px 48px; }
.center { min-height: 100vh; display: grid; place-items: center; padding: 16px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 24px; box-shadow: 0 4px 16px rgba(17,24,39,.06); }
.sign-in { width: 100%; max-width: 420px; display: grid; gap: 12px; }
.announcer { min-height: 1.5em; color: var(--ok); font-weight: 600; }

.button { display: inline-flex; align-items: center; justify-content: center; gap: 6px; min-height: 40px; padding: 6px 14px; border-radius: 8px;
  border: 1px solid #cbd5e1; background: #fff; color: var(--ink); font: inherit; font-weight: 600; cursor: pointer; }
.button:hover { background: #f1f5f9; }
.button:disabled { opacity: .5; cursor: not-allowed; }
.button.primary { background: var(--accent); border-color: var(--accent); color: #fff; }
.button.primary:hover:not(:disabled) { background: var(--accent-dark); }
.button.danger { color: var(--danger); border-color: #fca5a5; }
.button.danger:hover:not(:disabled) { background: var(--danger-bg); }
.dialog .button.danger[type=submit] { background: var(--danger); border-color: var(--danger); color: #fff; }
.icon-button { width: 40px; padding: 0; }
.icon { width: 20px; height: 20px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }

.tablist { display: flex; flex-wrap: wrap; gap: 4px; border-bottom: 1px solid var(--line); margin-bottom: 16px; }
.tab { font: inherit; font-weight: 600; color: var(--muted); background: none; border: 0; border-bottom: 3px solid transparent; padding: 8px 12px; cursor: pointer; min-height: 40px; }
.tab:hover { color: var(--ink); }
.tab[aria-selected=true] { color: var(--accent); border-bottom-color: var(--accent); }
.sub-tabs > .tablist { border-bottom: 0; gap: 6px; }
.sub-tabs .tab { border: 1px solid var(--line); border-radius: 999px; padding: 4px 12px; background: #fff; font-weight: 500; min-height: 36px; }
.sub-tabs .tab[aria-selected=true] { background: var(--accent); border-color: var(--accent); color: #fff; }
.count { display: inline-block; min-width: 1.5em; padding: 0 6px; border-radius: 999px; background: #eef2ff; color: var(--accent); font-size: .8125rem; text-align: center; }
.tab[aria-selected=true] .count { background: rgba(255,255,255,.25); color: #fff; }
.tabpanel:focus-visible { outline-offset: 4px; }

.view-head { display: flex; flex-wrap: wrap; align-items: flex-end; justify-content: space-between; gap: 8px 16px; margin-bottom: 12px; }
.toolbar, .actions { display: flex; flex-wrap: wrap; gap: 8px; }
.actions { justify-content: flex-end; margin-top: 12px; }
.table-scroll { position: relative; max-width: 100%; overflow-x: auto; background: var(--card); border: 1px solid var(--line); border-radius: 10px; }
table.rows { border-collapse: collapse; width: 100%; min-width: 760px; }
table.rows th, table.rows td { text-align: left; vertical-align: top; padding: 8px 12px; border-bottom: 1px solid var(--line); }
table.rows thead th { background: #f1f5f9; font-size: .8125rem; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); white-space: nowrap; }
table.rows tbody tr:last-child > * { border-bottom: 0; }
table.rows td:last-child { width: 1%; }
table.rows.read-only td:last-child { width: auto; }
table.rows.compact { min-width: 30rem; }
table.rows .number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.values { display: grid; grid-template-columns: max-content minmax(8rem, 1fr); gap: 2px 10px; margin: 0; }
.values dt { color: var(--muted); font-size: .8125rem; }
.values dd { margin: 0; white-space: pre-wrap; }
.empty { padding: 24px; text-align: center; color: var(--muted); margin: 0; }
.pager { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px 16px; margin-top: 12px; }
.pager-buttons { display: flex; align-items: center; gap: 8px; }
.page-number { min-width: 4.5em; text-align: center; color: var(--muted); }
.inline-field { display: flex; align-items: center; gap: 8px; }
.flow-name { display: block; font-weight: 600; }
.badge { display: inline-block; padding: 2px 10px; border-radius: 999px; font-size: .8125rem; font-weight: 600; }
.badge.open { background: #ecfdf5; color: var(--ok); }
.badge.closed { background: #f3f4f6; color: var(--muted); }

.field { display: grid; gap: 4px; margin: 10px 0; }
.field > label, .check label { font-weight: 600; }
.field.check { display: flex; align-items: flex-start; gap: 10px; }
.check { display: flex; align-items: flex-start; gap: 10px; margin: 12px 0; }
.check input { width: 20px; height: 20px; margin: 2px 0 0; flex: none; accent-color: var(--accent); }
.input { font: inherit; width: 100%; min-height: 40px; padding: 8px 10px; border: 1px solid #cbd5e1; border-radius: 8px; background: #fff; color: var(--ink); }
select.input { width: auto; }
textarea.input { resize: vertical; }
.input[aria-invalid=true] { border-color: var(--danger); box-shadow: 0 0 0 1px var(--danger); }
.hint { color: var(--muted); font-size: .875rem; margin: 0; }
.field-error, .error { color: var(--danger); font-weight: 600; margin: 0; }
.error:empty { display: none; }
.notice:empty { display: none; }
.notice { background: #fffbeb; border: 1px solid #fde68a; border-radius: 8px; padding: 8px 12px; }
.with-suffix { display: flex; align-items: center; gap: 8px; }
.with-suffix .input { max-width: 9rem; }
.suffix { color: var(--muted); }

.settings { max-width: 720px; }
fieldset { border: 1px solid var(--line); border-radius: 10px; background: var(--card); margin: 12px 0; padding: 8px 16px 12px; min-width: 0; }
legend { font-weight: 700; padding: 0 6px; }
.retention-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(200px, 1fr)); gap: 0 16px; }

.dialog { width: min(560px, calc(100vw - 24px)); max-height: calc(100vh - 24px); border: 0; border-radius: 14px; padding: 20px; box-shadow: 0 20px 50px rgba(17,24,39,.35); color: var(--ink); }
.dialog::backdrop { background: rgba(15, 23, 42, .55); }
.dialog h2 { margin-bottom: 8px; }
.copy-row { display: flex; gap: 8px; }
.download-link { font-weight: 700; color: var(--accent); }
.terms { margin: 8px 0; padding-left: 20px; line-height: 1.5; }
.flow-form { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 260px), 1fr)); padding: 16px; margin-bottom: 16px; }
.flow-steps h3 { font-size: 1rem; margin: 0 0 8px; }
ol.steps { list-style: none; margin: 0; padding: 0; display: grid; gap: 12px; }
.step-card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 12px 16px; }
.step-head { display: flex; flex-wrap: wrap; align-items: flex-start; gap: 8px 12px; }
.step-name { flex: 1 1 200px; min-width: 0; }
.step-title { font-size: 1rem; margin: 0; }
.drag-handle { cursor: grab; color: var(--muted); font-size: 1.25rem; line-height: 1.5; user-select: none; }
.step-settings summary { cursor: pointer; font-weight: 600; margin: 8px 0; }
.schema-form { display: grid; gap: 10px; }
.schema-array, .schema-item { border: 1px solid var(--line); border-radius: 8px; padding: 8px 12px; margin: 0; min-width: 0; }
.schema-list { list-style: none; padding: 0; margin: 0 0 8px; display: grid; gap: 8px; }
.step-stores { margin-top: 8px; }
.step-stores ul { list-style: none; padding: 0; margin: 4px 0 0; display: grid; gap: 6px; }
.input.days { max-width: 7em; }
.step-stores .kept { margin: 0; font-weight: 600; }
.preview-pane, .version-history { margin-top: 16px; padding: 16px; }
.preview-pane h3, .version-history h3 { font-size: 1rem; margin: 0 0 8px; }
.preview-frame { margin-top: 12px; max-width: 100%; overflow: hidden; }
.versions { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
.version { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: 8px; overflow-wrap: anywhere; }
.module-list { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
.module-choice { width: 100%; flex-direction: column; align-items: flex-start; text-align: left; font-weight: 400; }
.module-title { font-weight: 600; }
.stats-range { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 200px), 1fr)); align-items: end; padding: 16px; margin-bottom: 16px; }
.stats-summary { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 150px), 1fr)); margin: 0 0 16px; }
.stats-summary .card { padding: 12px 16px; }
.stats-summary .card { display: flex; flex-direction: column; }
.figure-label { color: var(--muted); font-size: .875rem; }
.figure-value { font-size: 1.5rem; font-weight: 700; }
.stats-section { margin-bottom: 24px; }
.stats-section h3 { font-size: 1rem; margin: 0 0 4px; }
table.stats-table { min-width: 0; }
table.stats-table .number { text-align: right; font-variant-numeric: tabular-nums; }
.chart-legend { display: flex; flex-wrap: wrap; gap: 4px 16px; list-style: none; padding: 0; margin: 8px 0; color: var(--muted); font-size: .875rem; }
.swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 6px; vertical-align: -1px; }
.swatch.bar-reached, .swatch.bar-started { background: var(--accent); }
.swatch.bar-left { background: #d97706; }
.swatch.bar-completed { background: var(--ok); }
.funnel ol { list-style: none; padding: 0; margin: 0 0 12px; display: grid; gap: 8px; }
.funnel-row { display: grid; grid-template-columns: minmax(0, 1fr) auto; gap: 2px 12px; }
.funnel-bar { grid-column: 1 / -1; display: block; }
.bar-track { fill: #eef2ff; }
.bar-reached, .bar-started { fill: var(--accent); }
.bar-left { fill: #d97706; }
.bar-completed { fill: var(--ok); }
.chart-frame { position: relative; background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 20px 8px 4px; }
.chart-top { position: absolute; top: 2px; left: 8px; font-size: .8125rem; }
.daily-chart { display: block; }
.chart-axis { stroke: var(--line); stroke-width: 1; vector-effect: non-scaling-stroke; }
.chart-days { display: flex; justify-content: space-between; font-size: .8125rem; margin: 4px 0 8px; }
details.stats-days > summary { cursor: pointer; font-weight: 600; margin: 8px 0; }

.builder-steps ol { list-style: none; margin: 0 0 12px; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.step-link { font: inherit; min-height: 36px; padding: 4px 12px; border: 1px solid var(--line); border-radius: 999px; background: #fff; color: var(--ink); cursor: pointer; }
.step-link[aria-current=step] { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; }
.export-builder { padding: 16px; }
.export-builder h3 { font-size: 1rem; margin: 0 0 8px; }
.export-builder h4 { font-size: .9375rem; margin: 0 0 6px; }
.export-builder h5 { font-size: .875rem; margin: 8px 0 2px; }
.builder-actions { justify-content: flex-start; }
.fields-layout { display: grid; gap: 12px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 320px), 1fr)); align-items: start; }
.fields-layout > .card { padding: 12px; }
.field-list { list-style: none; margin: 4px 0; padding: 0; display: flex; flex-wrap: wrap; gap: 6px; }
.field-choice { min-height: 36px; padding: 4px 10px; font-weight: 500; }
.typed-key { display: flex; flex-wrap: wrap; align-items: flex-end; gap: 0 8px; }
.typed-key .field { flex: 1 1 180px; }
.typed-key .button { margin-bottom: 10px; }
ol.design-zone { list-style: none; margin: 0 0 12px; padding: 0; display: grid; gap: 6px; }
.zone-item { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; padding: 6px 10px; border: 1px solid var(--line); border-radius: 8px; background: #f8fafc; }
.zone-name { flex: 1 1 140px; min-width: 0; display: grid; }
.zone-column { font-weight: 600; }
.zone-item .button { min-height: 34px; padding: 4px 10px; }
.first-row-preview { border-top: 1px solid var(--line); padding-top: 8px; }
table.rows.preview { min-width: 0; }
.conditions { list-style: none; padding: 0; margin: 0; display: grid; gap: 8px; }
.condition { margin: 0; }
.radio-group .check { margin: 6px 0; }
.test-result.ok { color: var(--ok); font-weight: 600; }
.test-result.error { color: var(--danger); font-weight: 600; }
.key-verdict { color: var(--ok); }
.run-panel { margin-top: 16px; padding: 16px; }
.run-history h3 { font-size: 1rem; margin: 12px 0 8px; }
table.rows.runs { min-width: 1100px; }
td.hash { max-width: 16ch; word-break: break-all; }
.error-text { color: var(--danger); }
.badge.run-succeeded { background: #ecfdf5; color: var(--ok); }
.badge.run-failed { background: var(--danger-bg); color: var(--danger); }
.badge.run-running, .badge.run-queued { background: #eef2ff; color: var(--accent); }
.file-text { max-height: 320px; overflow: auto; background: #f8fafc; border: 1px solid var(--line); border-radius: 8px; padding: 8px; white-space: pre; }
.preview-dialog { width: min(900px, calc(100vw - 24px)); }
.webhook-list { display: grid; gap: 12px; }
.webhook-card { background: var(--card); border: 1px solid var(--line); border-radius: 12px; padding: 12px 16px; min-width: 0; }
.webhook-url { font-size: 1rem; margin: 0; }
.webhook-card fieldset.events { background: transparent; }
.dialog.wide { width: min(900px, calc(100vw - 24px)); }
table.rows.compact { min-width: 640px; }
.badge.succeeded { background: #ecfdf5; color: var(--ok); }
.badge.failed { background: var(--danger-bg); color: var(--danger); }
.badge.pending, .badge.retrying { background: #fffbeb; color: #92400e; }
.upload-form, .subject-form { margin: 16px 0; padding: 16px; max-width: 720px; }
.upload-form h3 { font-size: 1rem; margin: 0 0 4px; }
.upload-form input[type=file] { padding: 6px; }
.progress-row { display: flex; flex-wrap: wrap; align-items: center; gap: 8px 12px; margin-top: 12px; }
.progress-row progress { flex: 1 1 200px; height: 12px; accent-color: var(--accent); }
.bad-lines { margin: 4px 0 0; padding-left: 1.25rem; font-weight: 400; }
.filters { display: grid; gap: 0 16px; grid-template-columns: repeat(auto-fit, minmax(min(100%, 180px), 1fr)); align-items: end; margin-bottom: 12px; }
.filters .toolbar { margin: 10px 0; }
.filters .wide { grid-column: 1 / -1; }
.subject-results { margin-top: 16px; }
.subject-results h3 { font-size: 1.0625rem; margin: 0; }
.subject-table h4 { font-size: .9375rem; margin: 16px 0 6px; }
.erased { padding-left: 1.25rem; }
`;
