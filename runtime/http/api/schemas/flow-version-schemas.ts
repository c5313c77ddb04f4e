import type { JsonSchema } from '../api-route.js';
import { dateTimeSchema } from './common-schemas.js';
import { flowIdParams } from './flow-schemas.js';
import { flowDocumentSchema } from '../../../../core/flow-definition.js';

/** `{flowId}` and `{version}` of a version's path. */
export const flowVersionParams: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['flowId', 'version'],
  properties: { ...(flowIdParams.properties as Record<string, JsonSchema>), version: { type: 'string', pattern: '^[1-9][0-9]{0,8}$', description: 'A version number (1, 2, …)' } },
};

const summaryProperties = {
  version: { type: 'integer', minimum: 1 },
  name: { type: 'string' },
  createdAt: dateTimeSchema,
  stepCount: { type: 'integer', minimum: 1 },
};

export const flowVersionSummarySchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'name', 'createdAt', 'stepCount'],
  properties: summaryProperties,
};

export const flowVersionSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['version', 'name', 'createdAt', 'stepCount', 'start', 'steps'],
  properties: { ...summaryProperties, start: { type: 'string' }, steps: flowDocumentSchema.properties.steps },
};

export const previewTokenSchema: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['token', 'expiresAt', 'workspace', 'flow'],
  properties: {
    token: { type: 'string', description: 'Send it as `preview` in the chat handshake (widget: `Parley.init({ preview })`); the session is then marked preview' },
    expiresAt: dateTimeSchema,
    workspace: { type: 'string', format: 'uuid' },
    flow: { type: 'string' },
  },
};
