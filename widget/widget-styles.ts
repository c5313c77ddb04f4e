/**
 * The widget's style sheet, scoped to its shadow root. `:host { all: initial }` with `!important`
 * wins over any page rule on the host element, so page CSS cannot reach inside (only inherited
 * properties could, and `all: initial` cuts those off). Custom properties are not reset by `all`,
 * so the documented `--parley-*` properties, set by the page on `parley-chat` (or any ancestor),
 * are the one way in.
 */
export const WIDGET_CSS = `
:host { all: initial !important; }
[hidden] { display: none !important; }
.root {
  --accent: var(--parley-accent, #4338ca);
  --accent-dark: var(--parley-accent-hover, color-mix(in srgb, var(--accent) 82%, #000));
  --on-accent: var(--parley-on-accent, #fff);
  --ink: var(--parley-text, #1f2937); --muted: var(--parley-muted, #6b7280); --line: var(--parley-border, #e5e7eb);
  --surface: var(--parley-background, #fff); --bot: var(--parley-bot-bubble, #f3f4f6); --field: var(--parley-field-background, #fff);
  --radius: var(--parley-radius, 14px); --danger: #b91c1c; --gap: calc(var(--parley-offset, 16px) + var(--slot, 0) * 392px);
  font: 15px/1.45 var(--parley-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  color: var(--ink); letter-spacing: normal; text-align: left; direction: ltr;
}
.root[data-theme="dark"] {
  --ink: var(--parley-text, #f3f4f6); --muted: var(--parley-muted, #9ca3af); --line: var(--parley-border, #374151);
  --surface: var(--parley-background, #111827); --bot: var(--parley-bot-bubble, #1f2937); --field: var(--parley-field-background, #1f2937); --danger: #fca5a5;
}
@media (prefers-color-scheme: dark) {
  .root[data-theme="auto"] {
    --ink: var(--parley-text, #f3f4f6); --muted: var(--parley-muted, #9ca3af); --line: var(--parley-border, #374151);
    --surface: var(--parley-background, #111827); --bot: var(--parley-bot-bubble, #1f2937); --field: var(--parley-field-background, #1f2937); --danger: #fca5a5;
  }
}
.root *, .root *::before, .root *::after { box-sizing: border-box; font: inherit; color: inherit; margin: 0; }
button, input { -webkit-appearance: none; appearance: none; text-transform: none; }
.launcher {
  position: fixed; right: var(--gap); bottom: var(--parley-offset, 16px); z-index: var(--parley-z-index, 2147483000);
  width: 56px; height: 56px; border-radius: 50%; border: 0; padding: 0; cursor: pointer;
  background: var(--accent); color: var(--on-accent); display: grid; place-items: center;
  box-shadow: 0 6px 20px rgba(17, 24, 39, .25);
}
.launcher:hover { background: var(--accent-dark); }
.launcher svg { width: 26px; height: 26px; fill: none; stroke: currentColor; stroke-width: 2; stroke-linecap: round; stroke-linejoin: round; }
.panel {
  position: fixed; right: var(--gap); bottom: calc(var(--parley-offset, 16px) + 68px); z-index: calc(var(--parley-z-index, 2147483000) + 1);
  width: var(--parley-width, 360px); height: min(var(--parley-height, 560px), calc(100vh - 100px)); display: flex; flex-direction: column;
  background: var(--surface); border-radius: var(--radius); overflow: hidden; box-shadow: 0 12px 40px rgba(17, 24, 39, .28);
}
.root[data-position="left"] .launcher, .root[data-position="left"] .panel { right: auto; left: var(--gap); }
.root[data-mode="inline"] .panel {
  position: relative; left: auto; right: auto; bottom: auto; z-index: auto; width: 100%; height: var(--parley-height, 560px);
  box-shadow: none; border: 1px solid var(--line);
}
.root[data-mode="inline"] .launcher, .root[data-mode="inline"] .hide { display: none; }
.header { display: flex; align-items: center; gap: 8px; padding: 12px 12px 12px 16px; background: var(--accent); color: var(--on-accent); }
.avatar { width: 32px; height: 32px; border-radius: 50%; object-fit: cover; flex: none; background: var(--on-accent); }
.title { flex: 1; font-size: 16px; font-weight: 600; line-height: 1.3; overflow-wrap: anywhere; }
.icon-button { border: 0; background: transparent; color: inherit; width: 32px; height: 32px; border-radius: 8px; cursor: pointer; display: grid; place-items: center; padding: 0; }
.icon-button:hover { background: rgba(255, 255, 255, .15); }
.icon-button svg { width: 18px; height: 18px; fill: none; stroke: currentColor; stroke-width: 2.2; stroke-linecap: round; }
.status { padding: 6px 16px; font-size: 13px; background: #fef3c7; color: #92400e; }
.status:empty { display: none; }
.log { flex: 1; overflow-y: auto; padding: 16px; display: flex; flex-direction: column; gap: 8px; }
.msg { max-width: 85%; padding: 8px 12px; border-radius: var(--radius); white-space: pre-wrap; overflow-wrap: anywhere; }
.msg.bot { align-self: flex-start; background: var(--bot); border-bottom-left-radius: 4px; }
.msg.user { align-self: flex-end; background: var(--accent); color: var(--on-accent); border-bottom-right-radius: 4px; }
.msg.end { align-self: center; background: transparent; color: var(--muted); font-size: 13px; }
.msg a { color: var(--accent); text-decoration: underline; }
.root[data-theme="dark"] .msg.bot a { color: inherit; }
.msg.stamps { display: flex; flex-wrap: wrap; gap: 6px; white-space: normal; }
.stamp { width: 20px; height: 20px; border-radius: 50%; border: 2px solid var(--accent); box-sizing: border-box; }
.stamp.filled { background: var(--accent); }
@media (forced-colors: active) { .stamp { border-color: CanvasText; } .stamp.filled { background: CanvasText; forced-color-adjust: none; } }
.notice { padding: 0 16px; font-size: 13px; color: var(--danger); }
.notice:empty { display: none; }
.composer { border-top: 1px solid var(--line); padding: 12px 16px 16px; }
.composer:empty { display: none; }
.choices { display: flex; flex-wrap: wrap; gap: 8px; }
.question-timer { margin: 0 0 8px; font-weight: 600; font-variant-numeric: tabular-nums; }
.choice, .primary {
  border: 1px solid var(--accent); background: var(--surface); color: var(--accent); border-radius: 999px;
  padding: 8px 14px; cursor: pointer; font-weight: 500; line-height: 1.2;
}
.root[data-theme="dark"] .choice { color: var(--ink); }
.choice:hover { background: color-mix(in srgb, var(--accent) 12%, var(--surface)); }
.primary { background: var(--accent); color: var(--on-accent); }
.primary:hover { background: var(--accent-dark); }
a.choice { text-decoration: none; display: inline-block; }
.rating { display: flex; gap: 4px; } .rating.stars { gap: 2px; } .rating-ends { display: flex; justify-content: space-between; font-size: 12px; color: var(--muted); margin-top: 4px; }
.rate { flex: 1 1 0; min-width: 0; border: 1px solid var(--line); background: var(--surface); color: var(--ink); border-radius: 8px; padding: 8px 0; cursor: pointer; font-weight: 600; line-height: 1.2; }
.rating.numbers .rate:hover { border-color: var(--accent); background: color-mix(in srgb, var(--accent) 12%, var(--surface)); }
.rating.stars .rate { flex: 0 0 auto; border: 0; background: none; font-size: 28px; padding: 0 4px; color: var(--muted); } .rating.stars .rate.lit { color: var(--accent); }
@media (forced-colors: active) { .rating.stars .rate { color: GrayText; } .rating.stars .rate.lit { color: Highlight; } }
button:disabled, a.choice[aria-disabled="true"] { opacity: .55; cursor: default; }
button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid color-mix(in srgb, var(--accent) 45%, #fff); outline-offset: 2px; }
.field-label { display: block; font-size: 13px; font-weight: 600; margin-bottom: 6px; }
.field-row { display: flex; gap: 8px; }
.field {
  flex: 1; min-width: 0; border: 1px solid var(--line); border-radius: 10px; padding: 8px 12px; background: var(--field); color: var(--ink);
}
.field[aria-invalid="true"] { border-color: var(--danger); }
.field-error { margin-top: 6px; font-size: 13px; color: var(--danger); }
.field-error:empty { display: none; }
.field-notice { margin: 6px 0 0; font-size: 13px; color: var(--muted); }
.field-notice .terms { margin-bottom: 0; }
.consent { display: flex; gap: 10px; align-items: flex-start; margin-bottom: 10px; }
.consent input {
  flex: none; width: 18px; height: 18px; margin-top: 2px; border: 2px solid var(--accent); border-radius: 4px; background: var(--field); cursor: pointer;
}
.consent input:checked { background: var(--accent); box-shadow: inset 0 0 0 3px var(--field); }
.terms { display: inline-block; margin-bottom: 10px; font-size: 13px; color: var(--accent); }
.file-row { align-items: center; }
.file-field { flex: 1; min-width: 0; font-size: 13px; color: var(--muted); border-radius: 999px; }
.file-field::file-selector-button {
  border: 1px solid var(--accent); background: var(--surface); color: var(--accent); border-radius: 999px;
  padding: 8px 14px; margin-right: 10px; cursor: pointer; font: inherit; font-size: 15px; font-weight: 500; line-height: 1.2;
}
.root[data-theme="dark"] .file-field::file-selector-button { color: var(--ink); }
.file-field::file-selector-button:hover { background: color-mix(in srgb, var(--accent) 12%, var(--surface)); }
.file-field[aria-invalid="true"]::file-selector-button { border-color: var(--danger); }
.file-field:disabled { opacity: .55; }
.file-field:disabled::file-selector-button { cursor: default; }
.file-actions { margin-top: 10px; }
@media (max-width: 480px) {
  .root[data-mode="bubble"] .panel { left: 0; right: 0; top: 0; bottom: 0; width: 100%; height: 100%; border-radius: 0; }
  .root[data-mode="bubble"] .launcher { right: calc(16px + var(--slot, 0) * 72px); }
  .root[data-position="left"] .launcher { right: auto; left: calc(16px + var(--slot, 0) * 72px); }
  .root[data-mode="bubble"] .panel:not([hidden]) + .launcher { display: none; }
}
`;
