import { defineRoute } from '../api-route.js';
import { listBody } from '../schemas/common-schemas.js';
import { catalogueSchema } from '../schemas/export-schemas.js';
import { flowSlugSchema } from '../schemas/flow-schemas.js';
import { ValidationError } from '../../../../core/errors.js';
import { FIELD_TYPES } from '../../../../core/field-type.js';
import { isStoreTable } from '../../../../core/store-tables.js';
import { FIELD_GROUP_INFO, FIELD_GROUPS } from '../../../../exporter/catalogue/catalogue-field.js';
import { CONDITION_OPERATORS, OPERATOR_RULES } from '../../../../exporter/conditions/index.js';
import { DESTINATION_FORMS } from '../../../../exporter/destinations/create-destination.js';
import type { ExportSource } from '../../../../exporter/definition/export-definition.js';
import { FILTERS } from '../../../../exporter/filters/index.js';
import { listFlowNames } from '../../../../storage/flow-repository.js';

const fieldTypes = { type: 'array', items: { type: 'string', enum: [...FIELD_TYPES] } };

export const exportFieldsRoute = defineRoute<unknown, { flow?: string; table?: string }>({
  method: 'get',
  path: '/exports/fields',
  operationId: 'listExportFields',
  summary: 'The fields a flow (or a table) offers to custom exports, grouped as the export guide lists them: form, device, operation, access code, gift, external, variable (host page), custom',
  tag: 'exports',
  query: {
    type: 'object',
    additionalProperties: false,
    properties: { flow: flowSlugSchema, table: { type: 'string', maxLength: 64 } },
  },
  responses: { 200: { description: 'Field catalogue, and whether a winners-only scope applies', schema: catalogueSchema } },
  async handler(call) {
    const { table, flow: slug } = call.query;
    let source: ExportSource;
    if (table !== undefined) {
      if (!isStoreTable(table)) throw new ValidationError('Unknown table', '/query/table');
      source = { table };
    } else if (slug !== undefined) source = { flow: slug };
    else throw new ValidationError('Name a flow or a table', '/query/flow');
    const { fields, winnersOffered } = await call.services.exportDefinitions.fieldCatalogue(call.principal.workspaceId, source, '/query');
    const groups = FIELD_GROUPS.map((group) => ({
      group,
      ...FIELD_GROUP_INFO[group],
      fields:
        group === 'custom'
          ? [{ key: 'custom', label: 'Constant value', type: 'text', personal: false }]
          : fields.filter((f) => f.group === group).map((f) => ({ key: f.key, label: f.label, type: f.type, personal: f.personal, ...(f.values && { values: f.values }) })),
    }));
    return { body: { winnersOffered, groups } };
  },
});

export const exportSourcesRoute = defineRoute({
  method: 'get',
  path: '/exports/sources',
  operationId: 'listExportSources',
  summary: 'The flows an export may read (id, name, status, closing time), for keys limited to exports too: the flow list itself is the flows part',
  tag: 'exports',
  responses: {
    200: {
      description: 'The workspace’s flows, oldest first',
      schema: listBody('flows', {
        type: 'object', additionalProperties: false, required: ['id', 'name', 'status', 'closesAt'],
        properties: { id: { type: 'string' }, name: { type: 'string' }, status: { type: 'string', enum: ['open', 'closed'] }, closesAt: { type: ['string', 'null'], format: 'date-time' } },
      }),
    },
  },
  async handler({ principal, services }) {
    const flows = await listFlowNames(services.storage.db, principal.workspaceId);
    return { body: { flows: flows.map((f) => ({ id: f.slug, name: f.name, status: f.status, closesAt: f.closesAt?.toISOString() ?? null })) } };
  },
});

export const exportOptionsRoute = defineRoute({
  method: 'get',
  path: '/export-options',
  operationId: 'listExportOptions',
  summary: 'What the export builder offers: the 17 filters by their plain names (and the field types each applies to), the condition operators, and each destination kind with the form of its settings',
  tag: 'exports',
  responses: {
    200: {
      description: 'Filters, condition operators and destination kinds',
      schema: {
        type: 'object', additionalProperties: false, required: ['filters', 'operators', 'destinations'],
        properties: {
          destinations: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['kind', 'title', 'schema'],
              properties: { kind: { type: 'string' }, title: { type: 'string' }, schema: { type: 'object', description: 'JSON Schema of its settings (credentials marked writeOnly)' } },
            },
          },
          filters: {
            type: 'array',
            items: { type: 'object', additionalProperties: false, required: ['id', 'title', 'description', 'accepts'], properties: { id: { type: 'string' }, title: { type: 'string' }, description: { type: 'string' }, accepts: fieldTypes } },
          },
          operators: {
            type: 'array',
            items: {
              type: 'object', additionalProperties: false, required: ['id', 'title', 'value', 'types', 'wholeValue'],
              properties: {
                id: { type: 'string' },
                title: { type: 'string' },
                value: { type: 'string', enum: ['none', 'single', 'list'] },
                types: fieldTypes,
                wholeValue: { type: 'boolean', description: 'Its value is compared whole (equals, does not equal, is one of): a field’s known `values` are what it takes' },
              },
            },
          },
        },
      },
    },
  },
  async handler() {
    return {
      body: {
        filters: FILTERS.map(({ id, title, description, accepts }) => ({ id, title, description, accepts })),
        operators: CONDITION_OPERATORS.map((id) => ({ id, ...OPERATOR_RULES[id] })),
        destinations: DESTINATION_FORMS,
      },
    };
  },
});
