import { describe, expect, it } from 'vitest';
import { createSerializer } from '../../../../exporter/serializers/serializer-factory.js';
import { expectGolden, renderAll } from './golden-file.js';
import { TRICKY_COLUMNS, TRICKY_ROWS } from './tricky-rows.js';

/** The objects the fixture should read back as. */
const objects = TRICKY_ROWS.map((row) => Object.fromEntries(TRICKY_COLUMNS.map((c, i) => [c.name, row[i]])));

describe('JSON serializer', () => {
  it('writes the tricky fixture as one array, exactly as the golden file, and parses back', async () => {
    const serializer = createSerializer({ type: 'json' }, TRICKY_COLUMNS);
    const text = renderAll(serializer, TRICKY_ROWS);
    await expectGolden('tricky.json', text);
    expect(JSON.parse(text)).toEqual(objects);
    expect(serializer.extension).toBe('json');
  });

  it('writes one object per line in ndjson, exactly as the golden file, each line parsing back', async () => {
    const serializer = createSerializer({ type: 'json', layout: 'ndjson' }, TRICKY_COLUMNS);
    const text = renderAll(serializer, TRICKY_ROWS);
    await expectGolden('tricky.ndjson', text);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.map((line) => JSON.parse(line))).toEqual(objects);
    expect(serializer.extension).toBe('ndjson');
  });

  it('writes a valid empty array when there are no rows', () => {
    const text = renderAll(createSerializer({ type: 'json' }, TRICKY_COLUMNS), []);
    expect(JSON.parse(text)).toEqual([]);
  });

  it('keeps a lone surrogate and U+2028 readable (escaped by JSON.stringify, valid for JSON.parse)', () => {
    const values = ['lone\uD800', 'sep\u2028arator', 'nul\u0000'];
    const columns = values.map((_, i) => ({ name: `c${i}` }));
    const text = renderAll(createSerializer({ type: 'json' }, columns), [values]);
    expect(text).toContain('\\ud800');
    expect(Object.values(JSON.parse(text)[0])).toEqual(values);
  });

  it('keeps every value when two columns share a name (the second key gets _2)', () => {
    const text = renderAll(createSerializer({ type: 'json' }, [{ name: 'email' }, { name: 'email' }]), [['a', 'b']]);
    expect(JSON.parse(text)).toEqual([{ email: 'a', email_2: 'b' }]);
  });
});
