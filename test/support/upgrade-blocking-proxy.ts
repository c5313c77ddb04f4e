import { startRelay } from './tcp-relay.js';

/**
 * What a network in front of the server does to WebSocket handshakes: `refuse` answers them
 * 403 and closes (a proxy that forbids upgrades); `hang` swallows them and never answers (one
 * that holds them). Every other request goes through as it is.
 */
export type UpgradeBlock = 'refuse' | 'hang';

/** An HTTP-aware TCP proxy on 127.0.0.1 that blocks WebSocket handshakes (see `UpgradeBlock`). */
export interface UpgradeBlockingProxy {
  readonly url: string;
  /** WebSocket handshakes it blocked so far. */
  blocked(): number;
  stop(): Promise<void>;
}

/** The start of a request that asks to become a WebSocket (browsers send each on a connection of its own, in one write). */
const WEBSOCKET_HANDSHAKE = /^GET [^\r\n]* HTTP\/1\.1\r\n(?:[^\r\n]+\r\n)*?upgrade:[ \t]*websocket\r\n/i;

/** Starts a proxy to 127.0.0.1:`targetPort` on a free port. */
export async function startUpgradeBlockingProxy(targetPort: number, block: UpgradeBlock): Promise<UpgradeBlockingProxy> {
  let blocked = 0;
  const relay = await startRelay(targetPort, (client, upstream) => {
    client.on('data', (chunk: Buffer) => {
      if (!WEBSOCKET_HANDSHAKE.test(chunk.toString('latin1'))) {
        if (!upstream.write(chunk)) client.pause();
        return;
      }
      blocked += 1;
      // Refused: the client's close then closes the upstream connection (the relay's wiring).
      // Held: nothing is forwarded or answered, and both connections stay open.
      if (block === 'refuse') client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
    });
    upstream.on('drain', () => client.resume());
  });
  return { url: `http://127.0.0.1:${relay.port}`, blocked: () => blocked, stop: () => relay.stop() };
}
