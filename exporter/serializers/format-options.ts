/** Cell delimiters accepted by CSV and delimited text. */
export const DELIMITERS = [',', ';', '\t', '|'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

export const LINE_ENDINGS = ['\n', '\r\n'] as const;
export type LineEnding = (typeof LINE_ENDINGS)[number];

/** CSV as in RFC 4180, with a guard against formula injection in spreadsheets. */
export interface CsvFormatOptions {
  readonly type: 'csv';
  /** Default `,`. */
  readonly delimiter?: Delimiter;
  /** Default `"`. */
  readonly quote?: '"' | "'";
  /** Header line with the column names; default true. */
  readonly header?: boolean;
  /** Default `\r\n` (RFC 4180). */
  readonly lineEnding?: LineEnding;
  /** Starts the file with a UTF-8 byte order mark (helps Excel); default false. */
  readonly bom?: boolean;
  /**
   * Default true: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return (or their
   * full-width forms) gets a leading `'` so spreadsheets show it as text instead of running it.
   * Negative numbers then read `'-5`; set false only when no spreadsheet will open the file.
   */
  readonly formulaGuard?: boolean;
}

/** XML 1.0 in UTF-8: `<root><row><column>value</column>…</row>…</root>`. */
export interface XmlFormatOptions {
  readonly type: 'xml';
  /** Default `rows`. */
  readonly rootElement?: string;
  /** Default `row`. */
  readonly rowElement?: string;
}

/** JSON objects keyed by column name: one array (`array`, default) or one object per line (`ndjson`). */
export interface JsonFormatOptions {
  readonly type: 'json';
  readonly layout?: 'array' | 'ndjson';
}

/**
 * Plain text: `fixed` pads or truncates every cell to its column's width (maxSize ?? minSize);
 * `delimited` joins cells with a delimiter, without quoting (delimiters and line breaks inside
 * a value become spaces).
 */
export interface TxtFormatOptions {
  readonly type: 'txt';
  readonly layout: 'fixed' | 'delimited';
  /** Only for `delimited`; default `|`. */
  readonly delimiter?: Delimiter;
  /** Default false for `fixed`, true for `delimited`. */
  readonly header?: boolean;
  /** Default `\n`. */
  readonly lineEnding?: LineEnding;
  /**
   * Default true, as for CSV: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return
   * (or their full-width forms) gets a leading `'`, because spreadsheets open text files too.
   * In `fixed`, the `'` counts towards the column width. Set false only when no spreadsheet
   * will open the file (e.g. a partner system that needs `-5` as is).
   */
  readonly formulaGuard?: boolean;
}

/** How an export file is written, chosen by `type`. */
export type FormatOptions = CsvFormatOptions | XmlFormatOptions | JsonFormatOptions | TxtFormatOptions;
export type FormatType = FormatOptions['type'];

/** Options with every default filled in; built once per export run. */
export type Normalized<T> = Readonly<Required<T>>;

/** Fills in the defaults of CSV options. */
export function normalizeCsvOptions(options: CsvFormatOptions): Normalized<CsvFormatOptions> {
  return Object.freeze({
    type: 'csv',
    delimiter: options.delimiter ?? ',',
    quote: options.quote ?? '"',
    header: options.header ?? true,
    lineEnding: options.lineEnding ?? '\r\n',
    bom: options.bom ?? false,
    formulaGuard: options.formulaGuard ?? true,
  });
}

/** Fills in the defaults of XML options. */
export function normalizeXmlOptions(options: XmlFormatOptions): Normalized<XmlFormatOptions> {
  return Object.freeze({
    type: 'xml',
    rootElement: options.rootElement ?? 'rows',
    rowElement: options.rowElement ?? 'row',
  });
}

/** Fills in the defaults of JSON options. */
export function normalizeJsonOptions(options: JsonFormatOptions): Normalized<JsonFormatOptions> {
  return Object.freeze({ type: 'json', layout: options.layout ?? 'array' });
}

/** Fills in the defaults of text options. */
export function normalizeTxtOptions(options: TxtFormatOptions): Normalized<TxtFormatOptions> {
  return Object.freeze({
    type: 'txt',
    layout: options.layout,
    delimiter: options.delimiter ?? '|',
    header: options.header ?? options.layout === 'delimited',
    lineEnding: options.lineEnding ?? '\n',
    formulaGuard: options.formulaGuard ?? true,
  });
}
