import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ParleyError } from '../../core/errors.js';

const ENTRY = path.join('widget', 'chat-widget.ts');

/**
 * The repository root: the first directory, walking up from `start`, that holds
 * `widget/chat-widget.ts`. Works from the sources (`widget/`) and from `dist/widget/`.
 */
export function findWidgetRoot(start: string): string | undefined {
  let dir = path.resolve(start);
  for (;;) {
    if (existsSync(path.join(dir, ENTRY))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const cache = new Map<string, Promise<string>>();

async function bundle(entry: string): Promise<string> {
  const root = findWidgetRoot(path.dirname(fileURLToPath(import.meta.url)));
  if (!root) throw new ParleyError('internal', 'The widget sources were not found');
  try {
    const result = await build({
      entryPoints: [path.join(root, entry)],
      bundle: true,
      write: false,
      minify: true,
      format: 'iife',
      platform: 'browser',
      target: ['es2019'],
      legalComments: 'none',
      logLevel: 'silent',
    });
    const output = result.outputFiles[0];
    if (!output) throw new Error('esbuild produced no output');
    return output.text;
  } catch (error) {
    throw new ParleyError('internal', 'The widget could not be built', { cause: error });
  }
}

/**
 * One browser entry (a path relative to the repository root) as one minified IIFE script,
 * built once per process; a failed build is retried on the next call.
 *
 * @example
 * const js = await buildBundle(path.join('widget', 'admin-console.ts'));
 */
export function buildBundle(entry: string): Promise<string> {
  let built = cache.get(entry);
  if (!built) {
    built = bundle(entry).catch((error: unknown) => {
      cache.delete(entry);
      throw error;
    });
    cache.set(entry, built);
  }
  return built;
}

/**
 * The widget as one minified browser script (socket.io-client included), built once per process.
 *
 * @example
 * app.get('/widget.js', async (_req, res) => res.type('js').send(await buildWidgetBundle()));
 */
export function buildWidgetBundle(): Promise<string> {
  return buildBundle(ENTRY);
}
