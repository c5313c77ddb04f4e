import type { Socket } from 'socket.io';
import type { ProtocolError } from '../../core/chat-protocol.js';
import type { Clock } from '../../core/clock.js';
import { addressKey, clientAddress } from './client-address.js';
import { AddressLimiter } from './address-limiter.js';

export interface HandshakeLimitOptions {
  /** Handshakes one address may start per minute, all at once or spread out. */
  readonly perMinute: number;
  /** Reverse proxies in front of the server whose `X-Forwarded-For` entry is trusted (0: none). */
  readonly trustedProxyHops: number;
  readonly clock: Clock;
}

/** What a refused handshake says: the widget shows `message` and tries again later. */
export const HANDSHAKE_LIMIT_ERROR: ProtocolError = Object.freeze({
  code: 'rate_limited',
  message: 'Too many chats were opened from your network in the last minute; please try again shortly',
});

/**
 * A socket.io middleware that refuses a handshake beyond its address's budget before anything
 * else runs (no database access, no session): the client gets a connect error whose `data` is
 * `HANDSHAKE_LIMIT_ERROR`. An admitted socket carries the address in `socket.data.clientAddress`.
 * Register it first with `namespace.use(...)`.
 */
export function handshakeLimitMiddleware(options: HandshakeLimitOptions): (socket: Socket, next: (error?: Error) => void) => void {
  const limiter = new AddressLimiter(options);
  return (socket, next) => {
    const address = clientAddress(socket.handshake.address, socket.handshake.headers['x-forwarded-for'], options.trustedProxyHops);
    if (limiter.take(address === null ? 'unknown' : addressKey(address))) {
      socket.data.clientAddress = address;
      return next();
    }
    next(Object.assign(new Error(HANDSHAKE_LIMIT_ERROR.message), { data: HANDSHAKE_LIMIT_ERROR }));
  };
}
