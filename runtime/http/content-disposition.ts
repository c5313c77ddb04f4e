/** `attachment` with `filename` for plain ASCII and `filename*` (RFC 5987) for the rest, so a name never breaks the header. */
export function attachmentDisposition(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
