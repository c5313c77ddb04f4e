/** Any character that needs escaping or removal (surrogates are sorted out on the slow path). */
const SPECIAL = /[&<>"'\r\u0000-\u0008\u000B\u000C\u000E-\u001F\uD800-\uDFFF\uFFFE\uFFFF]/;

/**
 * Characters XML 1.0 forbids: C0 controls except tab, LF and CR; U+FFFE, U+FFFF; and lone
 * surrogates (in `u` mode a surrogate class only matches surrogates that are not paired).
 */
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF\uD800-\uDFFF]/gu;

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be read back as LF (XML end-of-line handling); a reference keeps it.
  '\r': '&#13;',
};

/** Removes the characters XML 1.0 cannot carry, keeping everything else. */
export function stripInvalidXmlChars(value: string): string {
  return value.replace(FORBIDDEN, '');
}

/**
 * Makes a value safe as XML text or attribute content: forbidden characters removed, `& < > " '`
 * and CR escaped (so `]]>` becomes `]]&gt;`).
 *
 * @example escapeXmlText('a < b & "c"\u0000') // 'a &lt; b &amp; &quot;c&quot;'
 */
export function escapeXmlText(value: string): string {
  if (!SPECIAL.test(value)) return value;
  return stripInvalidXmlChars(value).replace(/[&<>"'\r]/g, (c) => ENTITIES[c]);
}
