import { io, type Socket } from 'socket.io-client';
import type { ReplyAck, SessionInfo, Turn } from '../../core/chat-protocol.js';

export interface ChatClient {
  readonly socket: Socket;
  readonly session: SessionInfo;
  readonly firstTurn: Turn;
  reply(value: string | boolean, clientMessageId?: string): Promise<ReplyAck>;
  close(): void;
}

/** Connects a socket.io client the way the widget does; rejects with the server's refusal. */
export async function connectChat(
  url: string,
  auth: Record<string, unknown>,
  options: { origin?: string | null; localAddress?: string; headers?: Record<string, string> } = {},
): Promise<ChatClient> {
  const socket = io(`${url}/chat`, {
    auth,
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    // A loaded machine may take long to answer hundreds of handshakes at once: these tests check
    // what happens, not how fast (socket.io-client's default gives up after 20 s).
    timeout: 120_000,
    extraHeaders: { ...(options.origin !== null && { origin: options.origin ?? url }), ...options.headers },
    // The address the socket connects from (any 127.x.y.z works on Linux loopback): another client.
    ...(options.localAddress && { localAddress: options.localAddress }),
  });
  return new Promise((resolve, reject) => {
    socket.once('connect_error', (error: Error & { data?: unknown }) => {
      socket.close();
      reject(Object.assign(new Error(error.message), { data: error.data }));
    });
    socket.once('chat_error', (error: unknown) => {
      socket.close();
      reject(Object.assign(new Error('chat_error'), { data: error }));
    });
    socket.once('turn', (turn: Turn, session: SessionInfo) => {
      let counter = 0;
      resolve({
        socket,
        session,
        firstTurn: turn,
        reply: (value, clientMessageId = `m-${Date.now()}-${(counter += 1)}`) =>
          new Promise<ReplyAck>((done) => socket.emit('reply', { clientMessageId, value }, done)),
        close: () => socket.close(),
      });
    });
  });
}
