/** What the widget tells the gateway about the visitor's device in the handshake (`auth.device`). */
export interface DeviceInfo {
  readonly screenWidth: number;
  readonly screenHeight: number;
  /** The embedding page, without its `#fragment`. */
  readonly url: string;
  readonly language: string;
  /** IANA time zone, e.g. `Europe/Paris`; `''` when the browser does not say. */
  readonly timezone: string;
}

function timeZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone ?? '';
  } catch {
    return '';
  }
}

/** Reads the device facts from the browser. */
export function readDeviceInfo(): DeviceInfo {
  const href = location.href;
  const hash = href.indexOf('#');
  return {
    screenWidth: screen.width,
    screenHeight: screen.height,
    url: hash === -1 ? href : href.slice(0, hash),
    language: navigator.language ?? '',
    timezone: timeZone(),
  };
}
