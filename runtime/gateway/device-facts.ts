import type { DeviceFacts } from '../../storage/session-repository.js';

/** Browser and platform names from a User-Agent, coarse on purpose (no fingerprinting). */
export function parseUserAgent(ua: string): { browser: string; platform: string; mobile: boolean } {
  const browser =
    /Edg\//.test(ua) ? 'Edge'
    : /OPR\/|Opera/.test(ua) ? 'Opera'
    : /Firefox\//.test(ua) ? 'Firefox'
    : /Chrom(e|ium)\//.test(ua) ? 'Chrome'
    : /Safari\//.test(ua) ? 'Safari'
    : 'Other';
  const platform =
    /Android/.test(ua) ? 'Android'
    : /iPhone|iPad|iPod/.test(ua) ? 'iOS'
    : /Windows/.test(ua) ? 'Windows'
    : /Mac OS X|Macintosh/.test(ua) ? 'macOS'
    : /Linux/.test(ua) ? 'Linux'
    : 'Other';
  return { browser, platform, mobile: /Mobi|Android|iPhone|iPod/.test(ua) };
}

function boundedInt(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100_000 ? value : undefined;
}

/** The page URL without query string or fragment (they may carry personal data). */
function pageUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  try {
    const url = new URL(value);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return `${url.origin}${url.pathname}`;
  } catch {
    return undefined;
  }
}

/**
 * Device facts from the handshake: what the widget reports (screen, page, language) and what
 * the request shows (User-Agent, a country header set by a CDN or proxy).
 */
export function deviceFacts(headers: Record<string, string | string[] | undefined>, reported: unknown): DeviceFacts {
  const device = (typeof reported === 'object' && reported !== null ? reported : {}) as Record<string, unknown>;
  const ua = typeof headers['user-agent'] === 'string' ? headers['user-agent'] : '';
  const countryHeader = headers['cf-ipcountry'] ?? headers['x-country-code'];
  const language = typeof device.language === 'string' && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(device.language) ? device.language : undefined;
  const region = language?.split('-')[1];
  const country =
    typeof countryHeader === 'string' && /^[A-Za-z]{2}$/.test(countryHeader) ? countryHeader.toUpperCase()
    : region && /^[A-Za-z]{2}$/.test(region) ? region.toUpperCase()
    : undefined;
  return {
    ...parseUserAgent(ua),
    ...(pageUrl(device.url) && { originUrl: pageUrl(device.url) }),
    ...(country && { country }),
    ...(boundedInt(device.screenWidth) !== undefined && { screenWidth: boundedInt(device.screenWidth) }),
    ...(boundedInt(device.screenHeight) !== undefined && { screenHeight: boundedInt(device.screenHeight) }),
    ...(language && { language }),
  };
}
