import { readFile, writeFile } from 'node:fs/promises';
import { expect } from 'vitest';
import type { Serializer } from '../../../../exporter/serializers/serializer.js';

/**
 * Compares text with a committed golden file, byte for byte. Regenerate a file on purpose
 * with `UPDATE_GOLDEN=1 npx vitest run test/unit/exporter/serializers` and review the diff.
 */
export async function expectGolden(name: string, actual: string): Promise<void> {
  const file = new URL(`./golden/${name}`, import.meta.url);
  if (process.env.UPDATE_GOLDEN === '1') await writeFile(file, actual, 'utf8');
  const expected = await readFile(file);
  expect(actual).toBe(expected.toString('utf8'));
  expect(Buffer.from(actual, 'utf8').equals(expected)).toBe(true);
}

/** Renders a whole file from a serializer-like object, without streams. */
export function renderAll(serializer: Serializer, rows: readonly (readonly string[])[]): string {
  return serializer.begin() + rows.map((cells, i) => serializer.row(cells, i)).join('') + serializer.end();
}
