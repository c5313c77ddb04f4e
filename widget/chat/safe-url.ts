/**
 * The URL as an absolute http(s) string, or `undefined` for anything else (`javascript:`,
 * `data:`, relative or malformed URLs), so only web links ever become `<a href>`.
 */
export function safeHttpUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
