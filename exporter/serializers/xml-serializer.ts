import type { ExportColumn } from './export-column.js';
import { normalizeXmlOptions, type XmlFormatOptions } from './format-options.js';
import type { Serializer } from './serializer.js';
import { toXmlElementNames } from './xml-name.js';
import { escapeXmlText } from './xml-text.js';

/**
 * XML 1.0 in UTF-8: `<rows><row><name>value</name>…</row>…</rows>`, one row per line. Column
 * names become valid, unique element names; values lose the characters XML cannot carry.
 */
export function createXmlSerializer(format: XmlFormatOptions, columns: readonly ExportColumn[]): Serializer {
  const { rootElement, rowElement } = normalizeXmlOptions(format);
  const names = toXmlElementNames(columns.map((c) => c.name));
  const opens = names.map((n) => `<${n}>`);
  const closes = names.map((n) => `</${n}>`);
  const count = names.length;
  const rowOpen = `  <${rowElement}>`;
  const rowClose = `</${rowElement}>\n`;
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<${rootElement}>\n`;
  const tail = `</${rootElement}>\n`;
  return Object.freeze({
    extension: 'xml',
    contentType: 'application/xml; charset=utf-8',
    columnCount: count,
    begin: () => head,
    row: (cells: readonly string[]) => {
      let text = rowOpen;
      for (let i = 0; i < count; i += 1) text += opens[i] + escapeXmlText(cells[i]) + closes[i];
      return text + rowClose;
    },
    end: () => tail,
  });
}
