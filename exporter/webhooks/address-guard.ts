import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { ValidationError } from '../../core/errors.js';

/**
 * Where webhooks may not go unless the operator allows private targets: loopback, private,
 * shared (CGNAT), link-local, unique-local, multicast, unspecified and reserved ranges, so a
 * workspace cannot make the server call into its own network (SSRF).
 */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) FORBIDDEN.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8]] as const) FORBIDDEN.addSubnet(network, prefix, 'ipv6');

/** The IPv4 address an IPv6 address embeds (IPv4-mapped `::ffff:a.b.c.d` or NAT64 `64:ff9b::/96`), if any. */
function embeddedIpv4(address: string): string | undefined {
  const match = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = parseInt(match[2]!, 16);
  const low = parseInt(match[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

/** True when `address` (an IP literal) is in a range webhooks may not reach. */
export function isForbiddenAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').split('%')[0]!;
  const family = isIP(bare);
  if (family === 4) return FORBIDDEN.check(bare, 'ipv4');
  if (family !== 6) return true;
  const v4 = embeddedIpv4(bare);
  return v4 !== undefined ? FORBIDDEN.check(v4, 'ipv4') : FORBIDDEN.check(bare, 'ipv6');
}

/** Why a target was refused; the message never echoes the URL. */
export class ForbiddenTargetError extends ValidationError {}

const refuse = (path: string) => new ForbiddenTargetError('The webhook URL points at a private, loopback or reserved address; the server does not call those', path);

/** Resolves a host name to every address it has (empty when it does not resolve). */
function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve) => dnsLookup(host, { all: true, verbatim: true }, (error, addresses) => resolve(error ? [] : addresses)));
}

/**
 * Checks a webhook URL when it is saved: http or https only, no credentials in it, and (unless
 * `allowPrivate`) its host, as an address or after DNS resolution, outside the forbidden ranges.
 * A name that does not resolve yet is accepted: every delivery checks again.
 */
export async function checkWebhookUrl(text: string, options: { readonly allowPrivate: boolean; readonly path: string }): Promise<URL> {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ValidationError('Not an absolute URL', options.path);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError('A webhook URL must use http or https', options.path);
  if (url.username || url.password) throw new ValidationError('A webhook URL must not carry credentials; the signature authenticates the sender', options.path);
  if (options.allowPrivate) return url;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (isIP(host)) {
    if (isForbiddenAddress(host)) throw refuse(options.path);
    return url;
  }
  if (host === 'localhost' || host.endsWith('.localhost')) throw refuse(options.path);
  if ((await resolveAll(host)).some((a) => isForbiddenAddress(a.address))) throw refuse(options.path);
  return url;
}

/**
 * A `lookup` for http(s).request that resolves the host itself and refuses the connection when
 * any address it resolves to is forbidden: the address checked is the address connected to, so
 * a DNS answer that changes between save and delivery (rebinding) is caught.
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return (callback as (e: NodeJS.ErrnoException | null, a: string, f: number) => void)(error, '', 0);
    const list = addresses as LookupAddress[];
    if (list.length === 0 || list.some((a) => isForbiddenAddress(a.address))) {
      const refused = Object.assign(new Error('forbidden address'), { code: 'EFORBIDDENTARGET' });
      return (callback as (e: NodeJS.ErrnoException | null, a: string, f: number) => void)(refused, '', 0);
    }
    if (options.all) return (callback as (e: null, a: LookupAddress[]) => void)(null, list);
    (callback as (e: null, a: string, f: number) => void)(null, list[0]!.address, list[0]!.family);
  });
};
