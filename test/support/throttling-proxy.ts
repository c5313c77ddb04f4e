import { startRelay } from './tcp-relay.js';

/**
 * A TCP proxy on 127.0.0.1 in front of a real peer that lets the client send at most
 * `bytesPerSecond` on each connection (a slow uplink), so an upload lasts long enough to be
 * interrupted on purpose. What the peer sends back is not slowed.
 */
export interface ThrottlingProxy {
  readonly port: number;
  /** Bytes the clients have sent through so far, all connections together. */
  forwarded(): number;
  stop(): Promise<void>;
}

/** Starts a proxy to 127.0.0.1:`targetPort` on a free port. */
export async function startThrottlingProxy(targetPort: number, bytesPerSecond: number): Promise<ThrottlingProxy> {
  const timers = new Set<NodeJS.Timeout>();
  let forwarded = 0;
  const relay = await startRelay(
    targetPort,
    (client, upstream) => {
      const began = Date.now();
      let sent = 0;
      client.on('data', (chunk: Buffer) => {
        sent += chunk.length;
        forwarded += chunk.length;
        const full = !upstream.write(chunk);
        // Where this connection may be by now at the allowed rate; pause until then.
        const ahead = began + (sent / bytesPerSecond) * 1000 - Date.now();
        if (ahead > 0 || full) client.pause();
        if (ahead > 0) {
          const timer = setTimeout(() => {
            timers.delete(timer);
            if (upstream.writableNeedDrain) return;
            client.resume();
          }, ahead);
          timers.add(timer);
        }
      });
      upstream.on('drain', () => {
        if (began + (sent / bytesPerSecond) * 1000 <= Date.now()) client.resume();
      });
    },
    () => {
      for (const timer of timers) clearTimeout(timer);
    },
  );
  return { port: relay.port, forwarded: () => forwarded, stop: () => relay.stop() };
}
