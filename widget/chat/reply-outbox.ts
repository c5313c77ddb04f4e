import type { Reply } from '../../core/chat-protocol.js';

/** Replies sent but not yet acknowledged, oldest first; re-sent as they are after a reconnect. */
export interface ReplyOutbox {
  add(reply: Reply): void;
  /** Removes a reply; `false` when it was not pending (already acknowledged or dropped). */
  settle(clientMessageId: string): boolean;
  pending(): readonly Reply[];
  clear(): void;
}

/** An empty outbox. */
export function createReplyOutbox(): ReplyOutbox {
  let replies: readonly Reply[] = [];
  return {
    add(reply) {
      replies = [...replies, reply];
    },
    settle(clientMessageId) {
      const before = replies.length;
      replies = replies.filter((r) => r.clientMessageId !== clientMessageId);
      return replies.length !== before;
    },
    pending: () => replies,
    clear() {
      replies = [];
    },
  };
}
