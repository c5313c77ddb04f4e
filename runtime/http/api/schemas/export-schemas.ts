import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema, uuidSchema } from './common-schemas.js';
import { exportDefinitionSchema } from '../../../../exporter/definition/export-definition.js';

export const exportIdParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['exportId'],
  properties: { exportId: uuidSchema },
};

export const exportDefinitionBodySchema: JsonSchema = exportDefinitionSchema;

export const exportSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'definition', 'nextRunAt', 'lastRun', 'createdAt', 'updatedAt'],
  properties: {
    id: uuidSchema,
    version: { type: 'integer' },
    definition: { type: 'object' },
    nextRunAt: { type: ['string', 'null'], format: 'date-time', description: 'When a time trigger (daily, weekly, scheduled) fires next; null for other triggers and a passed schedule' },
    lastRun: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object', additionalProperties: false, required: ['id', 'run', 'status', 'queuedAt', 'finishedAt'],
          properties: { id: uuidSchema, run: { type: 'integer' }, status: { type: 'string', enum: ['queued', 'running', 'succeeded', 'failed'] }, queuedAt: dateTimeSchema, finishedAt: { type: ['string', 'null'], format: 'date-time' } },
        },
      ],
    },
    createdAt: dateTimeSchema,
    updatedAt: dateTimeSchema,
  },
};

export const catalogueSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['groups', 'winnersOffered'],
  properties: {
    winnersOffered: { type: 'boolean', description: 'The flow has a step that records winners (a draw or an instant win), so a winners-only scope applies' },
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['group', 'title', 'description', 'fields'],
        properties: {
          group: { type: 'string' },
          title: { type: 'string' },
          description: { type: 'string' },
          fields: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['key', 'label', 'type', 'personal'],
              properties: {
                key: { type: 'string' },
                label: { type: 'string' },
                type: { type: 'string' },
                personal: { type: 'boolean' },
                values: {
                  type: 'array',
                  description: 'The values the field takes, when they are known (a choice’s option ids, a share step’s networks, the opt-in levels), each with what an owner reads: a condition’s value is one of them',
                  items: { type: 'object', additionalProperties: false, required: ['value', 'label'], properties: { value: { type: 'string' }, label: { type: 'string' } } },
                },
              },
            },
          },
        },
      },
    },
  },
};

/** A run's participant window: those first seen in [from, to) (`from` null: since the start); null for every participant or entry. */
export const runWindowSchema: JsonSchema = {
  anyOf: [
    { type: 'null' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['from', 'to'],
      properties: { from: { type: ['string', 'null'], format: 'date-time' }, to: dateTimeSchema },
    },
  ],
};

/** POST /exports/{id}/runs: an optional window to export instead of the trigger's next one. */
export const runExportBodySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    window: {
      type: 'object',
      additionalProperties: false,
      required: ['to'],
      properties: { from: { type: ['string', 'null'], format: 'date-time' }, to: dateTimeSchema },
    },
  },
};
