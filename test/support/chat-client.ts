import { io, type Socket } from 'socket.io-client';
import type { ReplyAck, SessionInfo, Turn } from '../../core/chat-protocol.js';

export interface ChatClient {
  readonly socket: Socket;
  readonly session: SessionInfo;
  readonly firstTurn: Turn;
  reply(value: string | boolean, clientMessageId?: string): Promise<ReplyAck>;
  close(): void;
}

/** What a test client connects as: its page's Origin (null: none), its address, extra headers. */
export interface ChatSocketOptions {
  readonly origin?: string | null;
  readonly localAddress?: string;
  readonly headers?: Record<string, string>;
}

/** A socket.io client of `/chat`, connecting at once over a WebSocket, that does not reconnect; for tests that drive the socket themselves. */
export function openChatSocket(url: string, auth: Record<string, unknown>, options: ChatSocketOptions = {}): Socket {
  return io(`${url}/chat`, {
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
}

/** Connects a socket.io client the way the widget does; rejects with the server's refusal. */
export async function connectChat(url: string, auth: Record<string, unknown>, options: ChatSocketOptions = {}): Promise<ChatClient> {
  const socket = openChatSocket(url, auth, options);
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
