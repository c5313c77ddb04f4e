import { startRelay } from './tcp-relay.js';

/**
 * A TCP proxy on 127.0.0.1 in front of a real peer that can drop a connection halfway, the way
 * a network failure would: once armed, the first connection to carry more than `bytes` from the
 * client is reset on both sides. Later connections pass untouched.
 */
export interface CuttingProxy {
  readonly port: number;
  /** Arms one cut after `bytes` sent by the client on a single connection. */
  cutOnceAfter(bytes: number): void;
  /** How many connections were cut so far. */
  cuts(): number;
  stop(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`targetPort` on a free port. */
export async function startCuttingProxy(targetPort: number): Promise<CuttingProxy> {
  let armed: number | undefined;
  let cuts = 0;
  const relay = await startRelay(targetPort, (client, upstream) => {
    let sent = 0;
    client.on('data', (chunk: Buffer) => {
      sent += chunk.length;
      if (armed !== undefined && sent > armed) {
        armed = undefined;
        cuts += 1;
        client.resetAndDestroy();
        upstream.resetAndDestroy();
        return;
      }
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
  });
  return {
    port: relay.port,
    cutOnceAfter(bytes) {
      armed = bytes;
    },
    cuts: () => cuts,
    stop: () => relay.stop(),
  };
}
