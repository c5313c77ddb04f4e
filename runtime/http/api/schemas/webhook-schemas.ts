import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema, uuidSchema } from './common-schemas.js';
import { WEBHOOK_EVENTS } from '../../../../core/webhook-events.js';

/** Path parameters of one endpoint's routes. */
export const webhookIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['webhookId'],
  properties: { webhookId: uuidSchema },
};

const eventsSchema: JsonSchema = {
  type: 'array',
  description: 'The events this endpoint receives.',
  minItems: 1,
  uniqueItems: true,
  items: { type: 'string', enum: [...WEBHOOK_EVENTS] },
};

const settableProperties = {
  url: { type: 'string', minLength: 1, maxLength: 2000, description: 'http or https; private, loopback and link-local targets are refused unless the operator allows them.' },
  description: { type: 'string', maxLength: 200, description: 'A note for people (what receives these events).' },
  events: eventsSchema,
  includePersonal: { type: 'boolean', description: 'Send personal fields (the email, …) in `personal`; off by default.' },
  enabled: { type: 'boolean', description: 'A disabled endpoint receives nothing.' },
};

/** `POST /webhooks`: URL and events required; personal fields off and enabled unless said otherwise. */
export const createWebhookBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['url', 'events'],
  properties: settableProperties,
};

/** `PATCH /webhooks/{webhookId}`: any of the settable properties, at least one. */
export const updateWebhookBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: settableProperties,
};

/** An endpoint as the API shows it: never its secret. */
export const webhookSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'url', 'description', 'events', 'includePersonal', 'enabled', 'createdAt', 'updatedAt'],
  properties: {
    id: uuidSchema,
    url: { type: 'string' },
    description: { type: 'string' },
    events: eventsSchema,
    includePersonal: { type: 'boolean' },
    enabled: { type: 'boolean' },
    createdAt: dateTimeSchema,
    updatedAt: dateTimeSchema,
  },
};

/** An endpoint with its signing secret: answered once, at creation or rotation. */
export const webhookWithSecretSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['webhook', 'secret'],
  properties: {
    webhook: webhookSchema,
    secret: { type: 'string', description: 'The signing secret, shown this once: the HMAC-SHA256 key of `Parley-Signature` (the whole string).' },
  },
};

/** `GET /webhooks`: the endpoints and the events they may subscribe to. */
export const webhookListSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['webhooks', 'events'],
  properties: {
    webhooks: { type: 'array', items: webhookSchema },
    events: { type: 'array', description: 'Every event an endpoint may subscribe to.', items: { type: 'string', enum: [...WEBHOOK_EVENTS] } },
  },
};

const DELIVERY_STATUSES = ['pending', 'retrying', 'succeeded', 'failed'];

/** `GET /webhooks/{webhookId}/deliveries`: page size and an optional status filter. */
export const deliveriesQuerySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
    status: { type: 'string', enum: DELIVERY_STATUSES },
  },
};

/** An endpoint's delivery log: no payloads, no response bodies. */
export const deliveryListSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['deliveries'],
  properties: {
    deliveries: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'eventId', 'eventType', 'status', 'attempts', 'responseStatus', 'lastError', 'createdAt', 'lastAttemptAt', 'finishedAt'],
        properties: {
          id: { ...uuidSchema, description: 'Sent as the `Parley-Delivery` header.' },
          eventId: { ...uuidSchema, description: 'The `id` of the payload (the same for every endpoint and attempt).' },
          eventType: { type: 'string', enum: [...WEBHOOK_EVENTS] },
          status: { type: 'string', enum: DELIVERY_STATUSES },
          attempts: { type: 'integer', minimum: 0 },
          responseStatus: { type: ['integer', 'null'], description: 'HTTP status of the last attempt (null: no answer).' },
          lastError: { type: ['string', 'null'], description: 'Why the last attempt failed, in short (never the response body).' },
          createdAt: dateTimeSchema,
          lastAttemptAt: { type: ['string', 'null'], format: 'date-time' },
          finishedAt: { type: ['string', 'null'], format: 'date-time' },
        },
      },
    },
  },
};
