import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Runs the real 7-Zip on a ZIP: the extracted entry's text and bytes, or the exit code when it refuses. */
export async function extractWith7z(zip: Buffer, entry: string, password: string): Promise<{ code: number; text?: string; bytes?: Buffer; listing?: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'parley-7z-'));
  try {
    const file = path.join(dir, 'download.zip');
    await writeFile(file, zip);
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string }>((resolve) => {
        execFile('7z', args, { cwd: dir }, (error, stdout) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout }));
      });
    const listing = await run(['l', '-slt', `-p${password}`, file]);
    const extracted = await run(['x', '-y', `-p${password}`, `-o${path.join(dir, 'out')}`, file]);
    if (extracted.code !== 0) return { code: extracted.code };
    const bytes = await readFile(path.join(dir, 'out', entry));
    return { code: 0, text: bytes.toString('utf8'), bytes, listing: listing.stdout };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
