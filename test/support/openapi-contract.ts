import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { expect } from 'vitest';

const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operationId: string;
  readonly responses: Record<string, { content?: Record<string, { schema: object }> }>;
  readonly parameters: Array<{ name: string; in: string; required: boolean; schema: Record<string, unknown> }>;
  readonly requestBody?: unknown;
}

/** Reads the served OpenAPI document and checks responses against it. */
export class OpenApiContract {
  readonly #ajv = new Ajv({ strict: false, allErrors: true });
  readonly operations: Operation[];

  constructor(readonly document: { paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>; components: { schemas: Record<string, object> } }) {
    addFormats(this.#ajv);
    this.#ajv.addSchema({ $id: 'doc', components: document.components }, 'doc');
    this.operations = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({ ...op, method: method.toUpperCase(), path })),
    );
  }

  static async fetch(baseUrl: string): Promise<OpenApiContract> {
    const response = await fetch(`${baseUrl}/api/v1/openapi.json`);
    return new OpenApiContract(await response.json());
  }

  operation(operationId: string): Operation {
    const op = this.operations.find((o) => o.operationId === operationId);
    if (!op) throw new Error(`no operation ${operationId}`);
    return op;
  }

  /** Errors of a JSON response body against the document (empty when it conforms). */
  check(operationId: string, status: number, body: unknown): string[] {
    const spec = this.operation(operationId).responses[String(status)];
    if (!spec) return [`status ${status} is not documented for ${operationId}`];
    const schema = spec.content?.['application/json']?.schema;
    if (!schema) return body === undefined || body === '' ? [] : [`${operationId} ${status} documents no JSON body`];
    const resolved = JSON.parse(JSON.stringify(schema).replaceAll('"#/components', '"doc#/components'));
    const validate = this.#ajv.compile(resolved);
    return validate(body) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
  }
}

/** An API answer as a test reads it. */
export interface CheckedResponse {
  readonly status: number;
  readonly body: any;
}

/**
 * A caller of the API at `baseUrl` with a bearer key that checks each JSON answer against the
 * served document for `operationId` (the test fails on any difference, naming the answer).
 */
export function contractCaller(baseUrl: string, key: string, contract: OpenApiContract) {
  return async (operationId: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<CheckedResponse> => {
    const response = await fetch(`${baseUrl}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const parsed: CheckedResponse = { status: response.status, body: await response.json() };
    expect(contract.check(operationId, parsed.status, parsed.body), `${operationId} ${parsed.status} ${JSON.stringify(parsed.body)}`).toEqual([]);
    return parsed;
  };
}
