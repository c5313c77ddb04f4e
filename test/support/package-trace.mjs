// A preload for a child process (`node --import ./test/support/package-trace.mjs …`) that writes
// every package the process loads to the file named by PARLEY_PACKAGE_TRACE, one URL or path per
// line: ESM imports as the resolve hook sees them, CommonJS modules (required from CommonJS too)
// from the require cache at exit. Plain JavaScript: Node loads it before anything compiles TypeScript.
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

/** @type {string | undefined} */
let log;

/** Runs in the hooks thread when `register` below starts it. */
export function initialize(/** @type {{ log: string }} */ data) {
  log = data.log;
}

/** Records every resolved module, then lets Node load it as usual. */
export async function resolve(/** @type {string} */ specifier, /** @type {object} */ context, /** @type {Function} */ nextResolve) {
  const resolved = await nextResolve(specifier, context);
  if (log !== undefined) appendFileSync(log, `${resolved.url}\n`);
  return resolved;
}

if (isMainThread) {
  const trace = process.env.PARLEY_PACKAGE_TRACE;
  if (!trace) throw new Error('package-trace.mjs needs PARLEY_PACKAGE_TRACE (the file to write)');
  register(import.meta.url, { data: { log: trace } });
  const cache = createRequire(import.meta.url).cache;
  process.on('exit', () => appendFileSync(trace, Object.keys(cache).map((file) => `${file}\n`).join('')));
}
