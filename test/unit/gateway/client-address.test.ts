import { describe, expect, it } from 'vitest';
import { addressKey, clientAddress, normalizeAddress } from '../../../runtime/gateway/client-address.js';
import { AddressLimiter } from '../../../runtime/gateway/address-limiter.js';
import { ManualClock } from '../../../core/clock.js';

describe('client address', () => {
  it('is the socket address when no proxy is trusted, whatever X-Forwarded-For says', () => {
    expect(clientAddress('203.0.113.9', '1.2.3.4', 0)).toBe('203.0.113.9');
    expect(clientAddress('::ffff:203.0.113.9', undefined, 0)).toBe('203.0.113.9');
  });

  it('behind N trusted proxies, is the entry N hops from the right; entries the client wrote are never used', () => {
    expect(clientAddress('10.0.0.1', '6.6.6.6, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(clientAddress('10.0.0.1', ['6.6.6.6, 198.51.100.7', '10.0.0.2'], 2)).toBe('198.51.100.7');
    // Fewer entries than trusted hops: the leftmost one (the request came through fewer proxies).
    expect(clientAddress('10.0.0.1', '198.51.100.7', 3)).toBe('198.51.100.7');
    // No header: the proxy's own address (all its clients share one budget rather than none).
    expect(clientAddress('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
    // Garbage where the address should be: the socket address.
    expect(clientAddress('10.0.0.1', 'unknown', 1)).toBe('10.0.0.1');
  });

  it('normalizes IPv4-mapped addresses and refuses what is not an address', () => {
    expect(normalizeAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeAddress('evil')).toBeNull();
  });

  it('counts IPv6 by /64 and IPv4 by address', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2::9')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('2001:0db8:0001:0002:0:0:0:1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('192.0.2.1')).toBe('192.0.2.1');
  });
});

describe('handshake limiter', () => {
  it('allows perMinute at once, then refills continuously, per address', () => {
    const clock = new ManualClock('2025-01-01T00:00:00Z');
    const limiter = new AddressLimiter({ perMinute: 3, clock });
    expect([1, 2, 3, 4].map(() => limiter.take('a'))).toEqual([true, true, true, false]);
    expect(limiter.take('b')).toBe(true);
    clock.advance(20_000);
    expect([limiter.take('a'), limiter.take('a')]).toEqual([true, false]);
  });

  it('forgets idle addresses when it tracks many, so memory stays bounded', () => {
    const clock = new ManualClock('2025-01-01T00:00:00Z');
    const limiter = new AddressLimiter({ perMinute: 2, clock });
    for (let i = 0; i < 10_000; i += 1) limiter.take(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBe(10_000);
    clock.advance(60_000);
    limiter.take('spent');
    limiter.take('spent');
    limiter.take('192.0.2.1');
    expect(limiter.size).toBe(2);
    expect(limiter.take('spent')).toBe(false);
  });
});
