import type { Socket } from 'node:net';
import { startRelay } from './tcp-relay.js';

/**
 * A TCP proxy on 127.0.0.1 in front of a real peer (PostgreSQL) that can cut the network off:
 * `partition()` resets every open connection and refuses new ones until `heal()`, the way a
 * worker cut off from its database sees it.
 */
export interface PartitionProxy {
  readonly port: number;
  partition(): void;
  heal(): void;
  stop(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`targetPort` on a free port. */
export async function startPartitionProxy(targetPort: number): Promise<PartitionProxy> {
  let cut = false;
  const open = new Set<[Socket, Socket]>();
  const relay = await startRelay(targetPort, (client, upstream) => {
    if (cut) {
      client.resetAndDestroy();
      upstream.destroy();
      return;
    }
    const pair: [Socket, Socket] = [client, upstream];
    open.add(pair);
    client.on('close', () => open.delete(pair));
    client.on('data', (chunk: Buffer) => {
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
  });
  return {
    port: relay.port,
    partition() {
      cut = true;
      for (const [client, upstream] of open) {
        client.resetAndDestroy();
        upstream.resetAndDestroy();
      }
      open.clear();
    },
    heal() {
      cut = false;
    },
    stop: () => relay.stop(),
  };
}
