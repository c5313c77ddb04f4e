import { randomUUID } from 'node:crypto';
import type { ReplyAck, Turn } from '../../core/chat-protocol.js';
import { connectChat, type ChatClient } from './chat-client.js';

/** A reply the server acknowledged `ok`, and how many error acks the same message got before. */
export interface AckedReply {
  readonly client: number;
  readonly sessionId: string;
  readonly stepId: string;
  readonly clientMessageId: string;
  readonly errorsBefore: number;
  /** `Date.now()` when the ok ack arrived. */
  readonly at: number;
}

/** What the load has seen so far; every list grows as the load goes on. */
export interface ChatLoadStats {
  readonly acked: readonly AckedReply[];
  /** Error acks, by code. */
  readonly errorCodes: readonly string[];
  /** Sessions that started (`Date.now()` of each first turn). */
  readonly sessionsStarted: readonly number[];
  /** Handshakes or session starts that failed (the server refused or could not answer). */
  readonly failedStarts: number;
  /** Replies that got no ack at all within the limit, or sockets that dropped mid-session. */
  readonly lost: number;
}

export interface ChatLoad {
  stats(): ChatLoadStats;
  /** Ends every loop after its current reply and closes the sockets. */
  stop(): Promise<void>;
}

/**
 * How long a reply (or a session start) may go unanswered before it counts as lost: past the
 * server's own bound on a turn waiting for a database connection (30 s, then it answers
 * `unavailable`), so only a reply the server dropped counts, never a slow one on a loaded machine.
 */
const ACK_LIMIT_MS = 45_000;
/** Pause before re-sending a refused reply or retrying a failed start: a client backing off. */
const RETRY_MS = 100;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `clients` socket.io clients, each playing sessions of one flow back to back: it answers every
 * step with `answer`, re-sends a refused reply with the same `clientMessageId` until it is acked
 * `ok` (as the widget does), and starts a new session when the flow is done.
 */
export function startChatLoad(options: { url: string; auth: Record<string, unknown>; clients: number; answer: (turn: Turn) => string | boolean }): ChatLoad {
  const acked: AckedReply[] = [];
  const errorCodes: string[] = [];
  const sessionsStarted: number[] = [];
  let failedStarts = 0;
  let lost = 0;
  let stopped = false;

  const reply = (chat: ChatClient, value: string | boolean, id: string): Promise<ReplyAck | undefined> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => resolve(undefined), ACK_LIMIT_MS);
      const dropped = () => resolve(undefined);
      chat.socket.once('disconnect', dropped);
      void chat.reply(value, id).then((ack) => {
        clearTimeout(timer);
        chat.socket.off('disconnect', dropped);
        resolve(ack);
      });
    });

  const play = async (client: number, chat: ChatClient) => {
    let turn = chat.firstTurn;
    while (!stopped && !turn.done && turn.stepId) {
      const id = randomUUID();
      const value = options.answer(turn);
      let errors = 0;
      for (;;) {
        const ack = await reply(chat, value, id);
        if (!ack) {
          lost += 1;
          return;
        }
        if (ack.ok) {
          acked.push({ client, sessionId: chat.session.sessionId, stepId: turn.stepId, clientMessageId: id, errorsBefore: errors, at: Date.now() });
          turn = ack.turn;
          break;
        }
        errors += 1;
        errorCodes.push(ack.error.code);
        if (stopped) return;
        await pause(RETRY_MS);
      }
    }
  };

  /** A session start that settles within the ack limit; a late one is closed when it arrives. */
  const connect = (): Promise<ChatClient> => {
    const pending = connectChat(options.url, options.auth);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        pending.then((late) => late.close(), () => undefined);
        reject(new Error('no session in time'));
      }, ACK_LIMIT_MS);
      pending.then(
        (chat) => {
          clearTimeout(timer);
          resolve(chat);
        },
        (error: unknown) => {
          clearTimeout(timer);
          reject(error instanceof Error ? error : new Error('refused'));
        },
      );
    });
  };

  const loop = async (client: number) => {
    while (!stopped) {
      let chat: ChatClient;
      try {
        chat = await connect();
      } catch {
        failedStarts += 1;
        await pause(RETRY_MS);
        continue;
      }
      sessionsStarted.push(Date.now());
      try {
        await play(client, chat);
      } finally {
        chat.close();
      }
    }
  };

  const loops = Array.from({ length: options.clients }, (_, client) => loop(client));
  return {
    stats: () => ({ acked: [...acked], errorCodes: [...errorCodes], sessionsStarted: [...sessionsStarted], failedStarts, lost }),
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}
