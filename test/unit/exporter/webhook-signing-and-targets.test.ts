import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isForbiddenAddress } from '../../../exporter/webhooks/address-guard.js';
import { signatureHeader, verifySignature } from '../../../exporter/webhooks/webhook-signature.js';

describe('webhook signatures', () => {
  it('sign "<t>.<raw body>" with HMAC-SHA256 keyed by the whole secret, as a receiver recomputes it', () => {
    const body = '{"id":"e1","type":"flow.closed"}';
    const header = signatureHeader('whsec_test', 1767225600, body);
    const expected = createHmac('sha256', 'whsec_test').update(`1767225600.${body}`).digest('hex');
    expect(header).toBe(`t=1767225600,v1=${expected}`);
    expect(verifySignature(header, 'whsec_test', body, { nowSeconds: 1767225600 + 60 })).toBe(true);
  });

  it('refuse another secret, another body, a stale timestamp and malformed headers', () => {
    const header = signatureHeader('whsec_test', 1767225600, 'body');
    expect(verifySignature(header, 'whsec_other', 'body', { nowSeconds: 1767225600 })).toBe(false);
    expect(verifySignature(header, 'whsec_test', 'body ', { nowSeconds: 1767225600 })).toBe(false);
    expect(verifySignature(header, 'whsec_test', 'body', { nowSeconds: 1767225600 + 301 })).toBe(false);
    for (const broken of ['', 't=abc,v1=00', 'v1=zz', `t=1767225600,v1=${'0'.repeat(64)}`]) {
      expect(verifySignature(broken, 'whsec_test', 'body', { nowSeconds: 1767225600 }), broken).toBe(false);
    }
  });
});

describe('webhook target addresses', () => {
  it('forbid loopback, private, shared, link-local, unique-local, multicast, unspecified and reserved ranges, also inside IPv6 forms', () => {
    const forbidden = [
      '127.0.0.1', '127.255.255.254', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0',
      '224.0.0.251', '255.255.255.255', '192.0.0.8', '198.18.0.1', '::', '::1', 'fc00::1', 'fd12:3456::1', 'fe80::1', 'fe80::1%eth0', 'ff02::1',
      '::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '[::1]', 'not-an-address',
    ];
    for (const address of forbidden) expect(isForbiddenAddress(address), address).toBe(true);
  });

  it('allow public addresses', () => {
    for (const address of ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:93.184.216.34', '[2a00:1450::1]']) {
      expect(isForbiddenAddress(address), address).toBe(false);
    }
  });
});
