import { isSubjectWebhookEvent, type SubjectRowRef, type WebhookEventType } from '../../core/webhook-events.js';
import type { WebhookEventSource } from '../../storage/webhook-event-source.js';

/** Under which key of `data` an event's store row appears. */
const ROW_KEY: Readonly<Partial<Record<WebhookEventType, string>>> = Object.freeze({
  'participation.created': 'participation',
  'instant_win.won': 'claim',
  'consent.given': 'consent',
  'consent.declined': 'consent',
  'consent.confirmed': 'consent',
  'consent.withdrawn': 'consent',
  'file.received': 'file',
  'loyalty.card_completed': 'stamp',
  'quiz.completed': 'quiz',
  'rating.given': 'rating',
});

/** The JSON body of a delivery: the same for every attempt and endpoint of an event, but for opted-in personal fields. */
export interface WebhookPayload {
  readonly id: string;
  readonly type: WebhookEventType;
  readonly createdAt: string;
  readonly workspace: string;
  readonly data: Record<string, unknown>;
}

/**
 * Builds the body of one event from what its source holds now: `data.flow`, and the store row
 * (`participation`, `claim`, `consent`, `file`; null once erased or expired) or the giveaway `draw`;
 * a subject event's `rows` are those it recorded (table, id, flow), its source being gone or changed.
 */
export function webhookPayload(
  event: { readonly id: string; readonly type: WebhookEventType; readonly createdAt: Date; readonly workspaceId: string; readonly rows?: readonly SubjectRowRef[] | null },
  source: WebhookEventSource,
): WebhookPayload {
  const key = ROW_KEY[event.type];
  const data: Record<string, unknown> = { flow: source.flow };
  if (key) data[key] = source.row ?? null;
  if (event.type === 'giveaway.drawn') data.draw = source.draw ?? null;
  if (isSubjectWebhookEvent(event.type)) data.rows = event.rows ?? [];
  return { id: event.id, type: event.type, createdAt: event.createdAt.toISOString(), workspace: event.workspaceId, data };
}
