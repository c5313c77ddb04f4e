import { defineRoute } from '../api-route.js';
import { dataKeyDestroyedResponse, dateTimeSchema, listBody, storeRowSchema, tableNameSchema } from '../schemas/common-schemas.js';
import { countStoreRows, countStoreRowsByFlow, listStoreRows, type DecodedRow } from '../../../../storage/store-reader.js';
import { STORE_TABLES, TABLE_DEFAULT_RETENTION_DAYS, type StoreTable } from '../../../../core/store-tables.js';
import { getWorkspace } from '../../../../storage/workspace-repository.js';

export function rowJson(row: DecodedRow) {
  return { ...row, createdAt: row.createdAt.toISOString(), expiresAt: row.expiresAt.toISOString() };
}

export const listTablesRoute = defineRoute({
  method: 'get',
  path: '/tables',
  operationId: 'listTables',
  summary: 'Every store table with its live row count and retention',
  tag: 'data',
  responses: {
    200: {
      description: 'Tables',
      schema: listBody('tables', {
        type: 'object', additionalProperties: false, required: ['name', 'rows', 'retentionDays'],
        properties: { name: tableNameSchema, rows: { type: 'integer' }, retentionDays: { type: 'integer' } },
      }),
    },
  },
  async handler({ principal, services }) {
    const [counts, workspace] = await Promise.all([countStoreRows(services.storage, principal.workspaceId), getWorkspace(services.storage, principal.workspaceId)]);
    const overrides = workspace?.retention.tables ?? {};
    return {
      body: {
        tables: STORE_TABLES.map((name) => ({ name, rows: counts[name], retentionDays: overrides[name] ?? TABLE_DEFAULT_RETENTION_DAYS[name] })),
      },
    };
  },
});

export const listRowsRoute = defineRoute<{ table: StoreTable }, { limit?: number; after?: string; from?: string; to?: string; flowId?: string }>({
  method: 'get',
  path: '/tables/{table}/rows',
  operationId: 'listRows',
  summary: 'Live rows of one table, newest first, keyset-paged; expired rows are never shown',
  tag: 'data',
  params: { type: 'object', additionalProperties: false, required: ['table'], properties: { table: tableNameSchema } },
  query: {
    type: 'object',
    additionalProperties: false,
    properties: {
      limit: { type: 'integer', minimum: 1, maximum: 500 },
      after: { type: 'string', maxLength: 200 },
      from: dateTimeSchema,
      to: dateTimeSchema,
      flowId: { type: 'string', format: 'uuid' },
    },
  },
  responses: {
    200: {
      description: 'One page of rows',
      schema: {
        type: 'object', additionalProperties: false, required: ['rows', 'next'],
        properties: { rows: { type: 'array', items: storeRowSchema }, next: { type: ['string', 'null'] } },
      },
    },
    410: dataKeyDestroyedResponse,
  },
  async handler({ principal, services, params, query }) {
    const page = await listStoreRows(services.storage, principal.workspaceId, params.table, {
      limit: query.limit,
      after: query.after,
      from: query.from ? new Date(query.from) : undefined,
      to: query.to ? new Date(query.to) : undefined,
      flowId: query.flowId,
    });
    return { body: { rows: page.rows.map(rowJson), next: page.next } };
  },
});

export const listTableFlowsRoute = defineRoute<{ table: StoreTable }>({
  method: 'get',
  path: '/tables/{table}/flows',
  operationId: 'listTableFlows',
  summary: 'The flows with live rows in one table, each with its count: what the rows, their download and "delete all" can be limited to (flowId)',
  tag: 'data',
  params: { type: 'object', additionalProperties: false, required: ['table'], properties: { table: tableNameSchema } },
  responses: {
    200: {
      description: 'By name; a flow deleted since (its rows stay until they expire) last, with a null id and name',
      schema: listBody('flows', {
        type: 'object', additionalProperties: false, required: ['flowId', 'id', 'name', 'rows'],
        properties: {
          flowId: { type: 'string', format: 'uuid', description: 'What `flowId` filters by' },
          id: { type: ['string', 'null'], description: 'The flow’s id (slug); null once deleted' },
          name: { type: ['string', 'null'] },
          rows: { type: 'integer' },
        },
      }),
    },
  },
  async handler({ principal, services, params }) {
    const flows = await countStoreRowsByFlow(services.storage, principal.workspaceId, params.table);
    return { body: { flows: flows.map((f) => ({ flowId: f.flowId, id: f.slug, name: f.name, rows: f.rows })) } };
  },
});
