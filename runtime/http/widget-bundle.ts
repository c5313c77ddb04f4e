import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { ParleyError } from '../../core/errors.js';
import { encodeScript, type ScriptEncodings } from './script-encodings.js';

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

/** `make(key)` once per key and process; a failure is forgotten, so the next call tries again. */
function memoized<T>(make: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    let made = cache.get(key);
    if (!made) {
      made = make(key).catch((error: unknown) => {
        cache.delete(key);
        throw error;
      });
      cache.set(key, made);
    }
    return made;
  };
}

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
export const buildBundle: (entry: string) => Promise<string> = memoized(bundle);

/** A browser entry's bundle in the encodings it is sent in (see `encodeScript`), compressed once per process. */
export const encodedBundle: (entry: string) => Promise<ScriptEncodings> = memoized(async (entry) => encodeScript(await buildBundle(entry)));

/**
 * The widget as one minified browser script (socket.io-client included), built once per process.
 *
 * @example
 * app.get('/widget.js', async (_req, res) => res.type('js').send(await buildWidgetBundle()));
 */
export function buildWidgetBundle(): Promise<string> {
  return buildBundle(ENTRY);
}

/** The widget script in the encodings it is sent in. */
export function encodedWidgetBundle(): Promise<ScriptEncodings> {
  return encodedBundle(ENTRY);
}
