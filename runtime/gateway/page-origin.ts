/**
 * Same-origin pages (the demo) are this server's own; any other page must be an allowed origin.
 * Browsers omit Origin on same-origin GETs (socket.io's polling handshake) but then say so in
 * the Fetch Metadata header; cross-origin requests always carry Origin.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[], fetchSite: unknown): boolean {
  if (!origin) return fetchSite === 'same-origin';
  try {
    if (host && new URL(origin).host === host) return true;
  } catch {
    return false;
  }
  return allowed.includes(origin);
}
