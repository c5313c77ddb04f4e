import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSerializer } from '../../../../exporter/serializers/serializer-factory.js';
import { toXmlElementName, toXmlElementNames } from '../../../../exporter/serializers/xml-name.js';
import { escapeXmlText } from '../../../../exporter/serializers/xml-text.js';
import { expectGolden, renderAll } from './golden-file.js';
import { TRICKY_COLUMNS, TRICKY_ROWS } from './tricky-rows.js';

const run = promisify(execFile);
const XMLLINT = '/usr/bin/xmllint';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'parley-xml-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the document to a temporary file for xmllint. */
async function saved(name: string, xml: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, xml, 'utf8');
  return file;
}

/** Runs the real `xmllint --noout`: resolves when the document is well-formed, rejects with its report otherwise. */
async function xmllintNoout(file: string): Promise<void> {
  await run(XMLLINT, ['--noout', file]);
}

/** The text value of one element, as libxml2 reads it (xmllint adds one newline after it). */
async function xpathString(file: string, expression: string): Promise<string> {
  const { stdout } = await run(XMLLINT, ['--xpath', `string(${expression})`, file], { encoding: 'utf8' });
  return stdout.endsWith('\n') ? stdout.slice(0, -1) : stdout;
}

const HOSTILE_COLUMNS = [{ name: 'markup' }, { name: 'controls' }, { name: 'surrogates' }, { name: 'lines' }];
const HOSTILE_ROW = [
  `a & b < c > d ]]> e "q" 's'`,
  'x\u0000y\u000Bz\u000C\u0001w\uFFFE\uFFFFv',
  'lone\uD800 low\uDC00 pair🎉 end',
  'CR\rLF\nCRLF\r\n\ttab',
];
/** What survives: everything but the characters XML 1.0 forbids. */
const CLEAN_ROW = [`a & b < c > d ]]> e "q" 's'`, 'xyzwv', 'lone low pair🎉 end', 'CR\rLF\nCRLF\r\n\ttab'];

describe('XML serializer', () => {
  it('writes the tricky fixture exactly as the golden file', async () => {
    const xml = renderAll(createSerializer({ type: 'xml' }, TRICKY_COLUMNS), TRICKY_ROWS);
    await expectGolden('tricky.xml', xml);
    await xmllintNoout(await saved('tricky.xml', xml));
  });

  it('gives a document xmllint accepts for & < ]]>, U+0000, U+000B, U+FFFE and lone surrogates, keeping the clean characters', async () => {
    const xml = renderAll(createSerializer({ type: 'xml' }, HOSTILE_COLUMNS), [HOSTILE_ROW]);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    const file = await saved('hostile.xml', xml);
    await xmllintNoout(file);
    for (const [i, column] of HOSTILE_COLUMNS.entries()) {
      expect(await xpathString(file, `/rows/row[1]/${column.name}`)).toBe(CLEAN_ROW[i]);
    }
  });

  it('the same hostile values written raw are refused by xmllint (the check above can fail)', async () => {
    const raw = `<?xml version="1.0" encoding="UTF-8"?>\n<rows><row><v>a & b\u0000</v></row></rows>\n`;
    await expect(xmllintNoout(await saved('raw.xml', raw))).rejects.toThrow();
  });

  it('uses the root and row element names from the options, and stays well-formed with no rows', async () => {
    const serializer = createSerializer({ type: 'xml', rootElement: 'leads', rowElement: 'lead' }, [{ name: 'email' }]);
    const empty = renderAll(serializer, []);
    expect(empty).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<leads>\n</leads>\n');
    await xmllintNoout(await saved('empty.xml', empty));
    expect(serializer.row(['a@b.c'], 0)).toBe('  <lead><email>a@b.c</email></lead>\n');
  });

  it('turns column names into valid, unique element names deterministically', async () => {
    const names = ['e-mail', 'Full name', '2nd', 'xmlData', 'XML', '', 'a:b', 'été', 'a b', 'a_b', '-x', '·dot', 'name', 'name', 'prix (€)', '🎉'];
    const elements = toXmlElementNames(names);
    expect(elements).toEqual([
      'e-mail',
      'Full_name',
      '_2nd',
      '_xmlData',
      '_XML',
      '_',
      'a_b',
      'été',
      'a_b_2',
      'a_b_3',
      '_-x',
      '_·dot',
      'name',
      'name_2',
      'prix__€_',
      '🎉',
    ]);
    expect(toXmlElementNames(names)).toEqual(elements);
    const columns = names.map((name) => ({ name }));
    const xml = renderAll(createSerializer({ type: 'xml' }, columns), [names.map((_, i) => String(i))]);
    await xmllintNoout(await saved('names.xml', xml));
  });

  it('replaces markup, spaces and parentheses, and keeps what XML 1.0 (5th edition) allows in names', () => {
    expect(toXmlElementName('<tag>&"\'')).toBe('_tag____');
    expect(toXmlElementName('prix (€)')).toBe('prix__€_');
    expect(toXmlElementName('Straße.№')).toBe('Straße.№');
  });

  it('escapes the five markup characters and CR, and leaves plain text untouched', () => {
    expect(escapeXmlText(`<a href="x">Tom & Jerry's</a>\r`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;&#13;',
    );
    const plain = 'Zoë 🎉 東京\n\t';
    expect(escapeXmlText(plain)).toBe(plain);
  });
});
