import { isIP } from 'node:net';

/**
 * The address a connection comes from, as the operator trusts it: the socket's remote address,
 * or, behind `trustedHops` reverse proxies, the entry that many hops from the right of
 * `X-Forwarded-For` (each trusted proxy appends the address it saw, so entries further left
 * are whatever the client claimed and are never used). Returns null when nothing usable is known.
 *
 * @example clientAddress('10.0.0.5', '203.0.113.7, 10.0.0.9', 1) // '10.0.0.9'
 */
export function clientAddress(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trustedHops: number): string | null {
  const chain = trustedHops > 0 ? forwardedChain(forwardedFor) : [];
  const hops = [...chain, remoteAddress ?? ''];
  const picked = hops[Math.max(0, hops.length - 1 - trustedHops)]!;
  return normalizeAddress(picked) ?? normalizeAddress(remoteAddress ?? '');
}

function forwardedChain(header: string | string[] | undefined): string[] {
  if (header === undefined) return [];
  const text = Array.isArray(header) ? header.join(',') : header;
  return text.split(',').map((part) => part.trim()).filter((part) => part !== '');
}

/** An IPv4-mapped IPv6 address as plain IPv4; anything that is not an IP address is null. */
export function normalizeAddress(text: string): string | null {
  const lower = text.toLowerCase();
  const address = lower.startsWith('::ffff:') && isIP(lower.slice(7)) === 4 ? lower.slice(7) : lower;
  return isIP(address) === 0 ? null : address;
}

/**
 * The key one client's limits are counted under: an IPv4 address itself, an IPv6 address by its
 * /64 prefix (one household or host usually holds a whole /64, so counting single IPv6 addresses
 * would let one machine spread a flood over 2^64 of them).
 *
 * @example addressKey('2001:db8:1:2:aaaa::1') // '2001:db8:1:2::/64'
 */
export function addressKey(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head = '', tail = ''] = address.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === '' ? [] : tail.split(':');
  const groups = address.includes('::') ? [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right] : left;
  return `${groups.slice(0, 4).map((g) => g.replace(/^0+(?=.)/, '')).join(':')}::/64`;
}
