/**
 * The events a workspace's webhook endpoints may subscribe to:
 * - `participation.created`: an entry was stored (a giveaway entry or an instant-win play);
 * - `consent.given`: a participant accepted a consent in the chat (with double opt-in,
 *   `consent.confirmed` follows when the mail's link is clicked);
 * - `consent.declined`: a participant declined a consent in the chat;
 * - `consent.confirmed`: a visitor clicked the link of a double opt-in mail;
 * - `consent.withdrawn`: a consent was withdrawn (by the person, with their mail's link, or
 *   recorded by the owner or a partner system through the API);
 * - `instant_win.won`: an instant-win play won a prize;
 * - `giveaway.drawn`: giveaway winners were drawn;
 * - `flow.closed`: a flow was closed (from the API, or by saving it closed);
 * - `file.received`: a participant sent a file to a file-upload step (the row says its type and
 *   size; the bytes are fetched with an API key from `GET /api/v1/tables/files/rows/{id}/file`);
 * - `loyalty.card_completed`: a loyalty step's stamp filled a participant's card (the stamp's row);
 * - `quiz.completed`: a participant answered a quiz's last question (the quiz's row: score, total, passed, answers);
 * - `rating.given`: a participant gave a rating (its row: the rating, the scale, and whether it is low or high);
 * - `subject.erased`: everything stored about one person was erased at their request; the event
 *   names the rows that went (table, id, flow), so a partner that received them erases its copies
 *   (GDPR Art. 17(2) and 19), and carries nothing about the person;
 * - `subject.anonymized`: one person was anonymized; the event names the rows that no longer
 *   identify them, which a partner anonymizes in turn.
 */
export const WEBHOOK_EVENTS = ['participation.created', 'consent.given', 'consent.declined', 'consent.confirmed', 'consent.withdrawn', 'instant_win.won', 'giveaway.drawn', 'flow.closed', 'file.received', 'loyalty.card_completed', 'quiz.completed', 'rating.given', 'subject.erased', 'subject.anonymized'] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENTS)[number];

/** The events a module's row declares itself (`ModuleWrite.event`); the others come from the store tables or the platform. */
/** The events about a data subject request: their source is gone or changed, so the event carries the rows it names. */
export const SUBJECT_WEBHOOK_EVENTS = ['subject.erased', 'subject.anonymized'] as const satisfies readonly WebhookEventType[];

export type SubjectWebhookEvent = (typeof SUBJECT_WEBHOOK_EVENTS)[number];

export function isSubjectWebhookEvent(type: WebhookEventType): type is SubjectWebhookEvent {
  return (SUBJECT_WEBHOOK_EVENTS as readonly WebhookEventType[]).includes(type);
}

/** A store row a subject event names: never a value of it. */
export interface SubjectRowRef {
  readonly table: string;
  readonly id: string;
  readonly flowId: string | null;
}

export type ModuleWebhookEvent = Extract<WebhookEventType, 'consent.given' | 'consent.declined' | 'loyalty.card_completed' | 'quiz.completed' | 'rating.given'>;

/** Days an event and its deliveries stay in the delivery log before the sweeper purges them. */
export const WEBHOOK_LOG_RETENTION_DAYS = 30;
