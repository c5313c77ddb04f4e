import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ParleyError } from '../runtime/errors.js';

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

let cached: Promise<string> | undefined;

async function bundle(): Promise<string> {
  const root = findWidgetRoot(path.dirname(fileURLToPath(import.meta.url)));
  if (!root) throw new ParleyError('internal', 'The widget sources were not found');
  try {
    const result = await build({
      entryPoints: [path.join(root, ENTRY)],
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
 * The widget as one minified browser script (socket.io-client included), built once per process.
 *
 * @example
 * app.get('/widget.js', async (_req, res) => res.type('js').send(await buildWidgetBundle()));
 */
export function buildWidgetBundle(): Promise<string> {
  cached ??= bundle().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}
