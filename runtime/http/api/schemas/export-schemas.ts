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
  required: ['id', 'version', 'definition', 'createdAt', 'updatedAt'],
  properties: {
    id: uuidSchema,
    version: { type: 'integer' },
    definition: { type: 'object' },
    createdAt: dateTimeSchema,
    updatedAt: dateTimeSchema,
  },
};

export const catalogueSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['groups'],
  properties: {
    groups: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['group', 'fields'],
        properties: {
          group: { type: 'string' },
          fields: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['key', 'label', 'type', 'personal'],
              properties: { key: { type: 'string' }, label: { type: 'string' }, type: { type: 'string' }, personal: { type: 'boolean' } },
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
