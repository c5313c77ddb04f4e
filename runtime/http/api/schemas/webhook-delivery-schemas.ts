import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema, storeRowSchema, uuidSchema } from './common-schemas.js';
import { WEBHOOK_EVENTS, type WebhookEventType } from '../../../../core/webhook-events.js';

const { flowId: _flowId, ...rowProperties } = storeRowSchema.properties as Record<string, JsonSchema>;

/** A store row as a delivery shows it (the flow is `data.flow`); `personal` only for endpoints that opted in. */
const webhookRowSchema: JsonSchema = {
  type: ['object', 'null'],
  description: 'The stored row as it is at delivery (null once erased or expired).',
  required: (storeRowSchema.required as string[]).filter((name) => name !== 'flowId' && name !== 'personal'),
  properties: { ...rowProperties, personal: { type: ['object', 'null'], description: 'Personal values (the email, …): only when the endpoint has `includePersonal`.' } },
};

const flowSchema: JsonSchema = {
  type: ['object', 'null'],
  required: ['id', 'slug', 'name', 'status', 'closedAt'],
  properties: { id: uuidSchema, slug: { type: 'string' }, name: { type: 'string' }, status: { type: 'string' }, closedAt: { type: ['string', 'null'], format: 'date-time' } },
};

const drawSchema: JsonSchema = {
  type: ['object', 'null'],
  required: ['id', 'stepId', 'drawnAt', 'participants', 'winners'],
  properties: {
    id: uuidSchema,
    stepId: { type: ['string', 'null'] },
    drawnAt: dateTimeSchema,
    participants: { type: 'integer' },
    winners: { type: 'array', items: webhookRowSchema },
  },
};

/** The rows a data subject request acted on, by reference: a partner matches them with the ids earlier events carried. */
const subjectRowsSchema: JsonSchema = {
  type: 'array',
  description: 'Every stored row the request acted on, oldest table first: its table, its id (as earlier events and the API gave it) and its flow. Nothing about the person.',
  items: {
    type: 'object',
    additionalProperties: false,
    required: ['table', 'id', 'flowId'],
    properties: { table: { type: 'string' }, id: uuidSchema, flowId: { ...uuidSchema, type: ['string', 'null'] } },
  },
};

/** What `data` holds besides `flow`, per event. */
const DATA: Readonly<Record<WebhookEventType, Record<string, JsonSchema>>> = Object.freeze({
  'participation.created': { participation: webhookRowSchema },
  'instant_win.won': { claim: webhookRowSchema },
  'consent.given': { consent: webhookRowSchema },
  'consent.declined': { consent: webhookRowSchema },
  'consent.confirmed': { consent: webhookRowSchema },
  'consent.withdrawn': { consent: webhookRowSchema },
  'giveaway.drawn': { draw: drawSchema },
  'flow.closed': {},
  'file.received': { file: webhookRowSchema },
  'loyalty.card_completed': { stamp: webhookRowSchema },
  'quiz.completed': { quiz: webhookRowSchema },
  'rating.given': { rating: webhookRowSchema },
  'subject.erased': { rows: subjectRowsSchema },
  'subject.anonymized': { rows: subjectRowsSchema },
});

const SUMMARIES: Readonly<Record<WebhookEventType, string>> = Object.freeze({
  'participation.created': 'An entry was stored (a giveaway entry or an instant-win play)',
  'instant_win.won': 'An instant-win play won a prize',
  'consent.given': 'A participant accepted a consent in the chat (its row: `is_optin` 1, the wording’s hash, the terms link, whether a double opt-in mail was sent); with double opt-in, consent.confirmed follows when its link is clicked',
  'consent.declined': 'A participant declined a consent in the chat (its row: `is_optin` 0)',
  'consent.confirmed': 'A visitor clicked the link of a double opt-in mail',
  'consent.withdrawn': 'A consent was withdrawn: by the person, with the withdrawal link of their double opt-in mail, or recorded by the owner or a partner system (POST /api/v1/subjects/consent-withdrawal). Its row keeps its proof and now has `is_optin` 0, `withdrawn_at` and the level it had (`withdrawn_level`); unsubscribe the person',
  'giveaway.drawn': 'Giveaway winners were drawn',
  'flow.closed': 'A flow was closed',
  'file.received': 'A participant sent a file to a file-upload step (its bytes: GET /api/v1/tables/files/rows/{id}/file with an API key)',
  'loyalty.card_completed': 'A stamp filled a participant’s loyalty card (the stamp’s row: its place, the goal and the full cards so far)',
  'quiz.completed': 'A participant answered a quiz’s last question (the quiz’s row: its score, its questions, whether it passed and the id of each answer)',
  'rating.given': 'A participant gave a rating (its row: the rating, the scale, and whether it is low, a detractor, or high, a promoter)',
  'subject.erased':
    'Everything stored about one person was erased at their request (POST /api/v1/subjects/erasure): `data.rows` names the rows that went. ' +
    'Erase what you received about them (GDPR Art. 17(2) and 19); `data.flow` is null',
  'subject.anonymized':
    'One person was anonymized (POST /api/v1/subjects/anonymization): the rows `data.rows` names stay, without anything that identifies them. ' +
    'Anonymize what you received about them; their standing consents also come as consent.withdrawn; `data.flow` is null',
});

const header = (name: string, description: string, schema: JsonSchema) => ({ name, in: 'header', required: true, description, schema });

function delivery(type: WebhookEventType): Record<string, unknown> {
  const body: JsonSchema = {
    type: 'object',
    required: ['id', 'type', 'createdAt', 'workspace', 'data'],
    properties: {
      id: { ...uuidSchema, description: 'The event: the same for every endpoint and attempt (drop duplicates by it).' },
      type: { const: type },
      createdAt: dateTimeSchema,
      workspace: uuidSchema,
      data: { type: 'object', required: ['flow', ...Object.keys(DATA[type])], properties: { flow: flowSchema, ...DATA[type] } },
    },
  };
  return {
    post: {
      operationId: `webhook_${type.replace('.', '_')}`,
      summary: SUMMARIES[type],
      description: 'Parley POSTs this to each enabled endpoint subscribed to the event. Answer 2xx; anything else (redirects are not followed) is retried with exponential backoff.',
      tags: ['webhooks'],
      security: [],
      parameters: [
        header('Parley-Signature', '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with the endpoint\'s whole secret.', { type: 'string', pattern: '^t=[0-9]+,v1=[0-9a-f]{64}$' }),
        header('Parley-Event', 'The event type.', { const: type }),
        header('Parley-Delivery', 'This delivery (one per endpoint and event), as in the delivery log.', uuidSchema),
        header('Parley-Attempt', 'Attempt number, from 1.', { type: 'string', pattern: '^[0-9]+$' }),
      ],
      requestBody: { required: true, content: { 'application/json': { schema: body } } },
      responses: {
        '200': { description: 'Received (any 2xx is a success)' },
        '400': { description: 'Refused (for instance a bad signature): retried, then recorded as failed' },
      },
    },
  };
}

/** The `webhooks` object of the OpenAPI 3.1 document: what each delivery looks like. */
export function webhookDeliveryDocument(): Record<string, unknown> {
  return Object.fromEntries(WEBHOOK_EVENTS.map((type) => [type, delivery(type)]));
}
