import { Readable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { saveTestFlow } from '../../support/flow-harness.js';
import { waitUntil } from '../../support/wait-until.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey, revokeApiKey } from '../../../storage/api-key-repository.js';
import { MAX_CSV_LINE_CHARS, MAX_REPORTED_LINES } from '../../../runtime/http/api/code-csv-reader.js';

const MAX_LINES = 1_000;
let storage: TestStorage;
let server: RunningServer;
let capped: RunningServer;
let contract: OpenApiContract;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  capped = await startTestServer(storage, { PARLEY_CODE_UPLOAD_MAX_LINES: String(MAX_LINES) });
  contract = await OpenApiContract.fetch(server.url);
});
afterAll(async () => {
  await capped?.close();
  await server?.close();
  await storage?.destroy();
});

const codesFlow = {
  name: 'Codes',
  steps: [
    { id: 'hello', module: 'message', config: { text: 'Hello' }, next: 'reward' },
    { id: 'reward', module: 'codes', config: { mode: 'distribute', text: 'Your code: {{code}}' } },
  ],
};

/** A fresh workspace with the codes flow and a key. */
async function codesWorkspace(name: string): Promise<{ workspace: Workspace; key: string; keyId: string }> {
  const workspace = await createWorkspace(storage, { name });
  await saveTestFlow(storage, workspace, 'codes', codesFlow);
  const issued = await issueApiKey(storage.db, workspace.id, { name: 'uploader' });
  return { workspace, key: issued.key, keyId: issued.id };
}

const CSV_PATH = '/api/v1/flows/codes/steps/reward/codes/csv';

/** POSTs a body to the CSV route; checks the answer against the OpenAPI document. */
async function upload(key: string | undefined, body: string | Uint8Array, options: { query?: string; type?: string | null; base?: string } = {}) {
  const headers: Record<string, string> = { ...(key && { authorization: `Bearer ${key}` }), ...(options.type !== null && { 'content-type': options.type ?? 'text/csv' }) };
  const response = await fetch(`${options.base ?? server.url}${CSV_PATH}${options.query ?? ''}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : undefined;
  expect(contract.check('uploadCodesCsv', response.status, parsed), `${response.status} ${text}`).toEqual([]);
  return { status: response.status, body: parsed, text };
}

async function stats(key: string) {
  return (await api(server.url, key, 'GET', '/api/v1/flows/codes/steps/reward/codes')).body;
}

async function uploadAudits(key: string) {
  const log = await api(server.url, key, 'GET', '/api/v1/audit?action=codes.added');
  return log.body.entries as Array<{ keyName: string; target: string; counts: Record<string, number> }>;
}

/** True while another session holds a row lock on code_pool_entries: an upload transaction that has inserted. */
async function uploadInserting(): Promise<boolean> {
  const held = await sql<{ n: string }>`
    select count(*) as n from pg_locks l join pg_class c on c.oid = l.relation
    where c.relname = 'code_pool_entries' and l.mode = 'RowExclusiveLock' and l.pid <> pg_backend_pid()
      and l.database = (select oid from pg_database where datname = current_database())`.execute(storage.db);
  return Number(held.rows[0]!.n) > 0;
}

describe('POST …/codes/csv: a code list streamed from a CSV file', () => {
  it('adds the first column of every line (BOM, CRLF, quotes, extra columns, a header), skips blank lines and counts duplicates', async () => {
    const { key } = await codesWorkspace('Happy');
    expect((await api(server.url, key, 'POST', '/api/v1/flows/codes/steps/reward/codes', { codes: ['PRE-1'] })).status).toBe(200);
    const csv = '\uFEFFcode,batch\r\nA-1,first\r\n\r\n  b-2  ,x\n"C,3",y\n   \n"D""4"\npre-1\na-1\nÉté-5';
    const added = await upload(key, csv, { query: '?header=true' });
    expect(added).toMatchObject({ status: 200, body: { added: 5, duplicates: 2 } });
    expect(await stats(key)).toEqual({ total: 6, assigned: 0, available: 6 });
    const codes = await sql<{ code: string }>`select code from code_pool_entries where code <> 'PRE-1' order by id`.execute(storage.db);
    expect(codes.rows.map((r) => r.code)).toEqual(['A-1', 'b-2', 'C,3', 'D"4', 'Été-5']);
    expect((await uploadAudits(key))[0]).toMatchObject({ keyName: 'uploader', target: 'codes/reward', counts: { added: 5, duplicates: 2 } });

    // Without ?header, the first line is a code like any other.
    expect((await upload(key, 'code\nF-6\n')).body).toEqual({ added: 2, duplicates: 0 });
    const pools = await api(server.url, key, 'GET', '/api/v1/code-pools');
    expect(contract.check('listCodePools', pools.status, pools.body)).toEqual([]);
    expect(pools.body.pools).toEqual([{ flowId: 'codes', flowName: 'Codes', flowStatus: 'open', stepId: 'reward', total: 8, assigned: 0, available: 8 }]);
  });

  it('streams a 200000-code file into the pool in batches: inserts begin before the client has sent the end of the file', async () => {
    const { key } = await codesWorkspace('Big');
    const total = 200_000;
    const lines = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `CODE-${String(from + i).padStart(7, '0')}\n`).join('');
    let waitedForInserts = false;
    async function* file(): AsyncGenerator<Buffer> {
      for (let at = 0; at < total; at += 2_000) {
        if (at === total / 2) {
          // Half the file is sent: a server that buffered the body would not have inserted anything yet.
          await waitUntil(() => uploadInserting(), { what: 'the server to insert codes while the upload is still under way', timeoutMs: 120_000 });
          waitedForInserts = true;
        }
        yield Buffer.from(lines(at, at + 2_000));
      }
    }
    const response = await fetch(`${server.url}${CSV_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv; charset=utf-8' },
      body: Readable.toWeb(Readable.from(file())) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(await response.json()).toEqual({ added: total, duplicates: 0 });
    expect(waitedForInserts).toBe(true);
    expect(await stats(key)).toEqual({ total, assigned: 0, available: total });
    const ends = await sql<{ first: string; last: string }>`
      select (array_agg(code order by id))[1] as first, (array_agg(code order by id desc))[1] as last from code_pool_entries where code like 'CODE-%'`.execute(storage.db);
    expect(ends.rows[0]).toEqual({ first: 'CODE-0000000', last: `CODE-${String(total - 1).padStart(7, '0')}` });
  }, 300_000);

  it('rolls the whole upload back when the client goes away mid-file, leaving no transaction open', async () => {
    const { key } = await codesWorkspace('Aborted');
    const controller = new AbortController();
    async function* file(): AsyncGenerator<Buffer> {
      for (let at = 0; ; at += 1_000) {
        if (at === 20_000) {
          await waitUntil(() => uploadInserting(), { what: 'the upload to insert codes', timeoutMs: 120_000 });
          controller.abort();
          return;
        }
        yield Buffer.from(Array.from({ length: 1_000 }, (_, i) => `GONE-${at + i}\n`).join(''));
      }
    }
    const sent = fetch(`${server.url}${CSV_PATH}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(Readable.from(file())) as ReadableStream,
      duplex: 'half',
      signal: controller.signal,
    } as RequestInit);
    await expect(sent).rejects.toThrow();
    await waitUntil(async () => !(await uploadInserting()), { what: 'the aborted upload to roll back', timeoutMs: 60_000 });
    expect(await stats(key)).toEqual({ total: 0, assigned: 0, available: 0 });
    expect(await uploadAudits(key)).toEqual([]);
  }, 180_000);

  it('refuses a file with bad lines, naming each line and why, never its content, and adds nothing', async () => {
    const { key } = await codesWorkspace('Bad lines');
    const csv = Buffer.concat([
      Buffer.from(`OK-1\n,SECRET-EMPTY-FIRST\nSECRET-${'x'.repeat(60)}\nSECRET\u0007BELL\nOK-2\n`),
      Buffer.from([0x53, 0x45, 0x43, 0xff, 0x0a]), // "SEC" and a byte that is not UTF-8
      Buffer.from('OK-3\n'),
    ]);
    const refused = await upload(key, csv);
    expect(refused.status).toBe(400);
    expect(refused.body.error, JSON.stringify(refused.body)).toMatchObject({ code: 'validation_failed', message: 'Line 2: The first column is empty (and 3 more lines). No code was added.' });
    expect(refused.body.error.details).toEqual({
      more: false,
      lines: [
        { line: 2, reason: 'The first column is empty' },
        { line: 3, reason: 'The code is longer than 64 characters' },
        { line: 4, reason: 'The code holds a character codes cannot have (control characters, line breaks or tabs)' },
        { line: 6, reason: 'The line is not UTF-8 text' },
      ],
    });
    expect(refused.text).not.toMatch(/SECRET|SEC|OK-/);

    const long = await upload(key, `OK-1\nOK-2\n${'y'.repeat(MAX_CSV_LINE_CHARS + 10)}\nOK-3\n`);
    expect(long.status).toBe(400);
    expect(long.body.error.details.lines).toEqual([{ line: 3, reason: `The line is longer than ${MAX_CSV_LINE_CHARS} characters` }]);
    expect(long.text).not.toContain('yyyy');

    const unclosed = await upload(key, 'OK-1\n"SECRET-OPEN\nOK-2\n');
    expect(unclosed.status).toBe(400);
    expect(unclosed.body.error.details.lines).toEqual([{ line: 2, reason: 'A quote opened here is never closed' }]);

    const many = await upload(key, Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? `OK-${i}` : '\u0001')).join('\n'));
    expect(many.body.error.details.lines).toHaveLength(MAX_REPORTED_LINES);
    expect(many.body.error.details.lines[0]).toEqual({ line: 2, reason: expect.any(String) });
    expect(many.body.error.details.more).toBe(true);
    expect(many.body.error.message).toMatch(/^Line 2: .* \(and 19\+ more lines\)\. No code was added\.$/);

    for (const empty of ['', '\n\n  \n', 'code\n']) {
      const none = await upload(key, empty, { query: '?header=true' });
      expect(none.status).toBe(400);
      expect(none.body.error.message).toBe('The file holds no codes. No code was added.');
    }
    expect(await stats(key)).toEqual({ total: 0, assigned: 0, available: 0 });
    expect(await uploadAudits(key)).toEqual([]);
  });

  it('answers 415 to a body that is not UTF-8 text/csv, and changes nothing', async () => {
    const { key } = await codesWorkspace('Types');
    for (const type of ['application/json', 'text/plain', 'multipart/form-data; boundary=x', 'text/csv; charset=latin1', null]) {
      const refused = await upload(key, type === 'application/json' ? '{"codes":["A"]}' : 'A\nB\n', { type });
      expect(refused.status, String(type)).toBe(415);
      expect(refused.body.error.code).toBe('unsupported_media_type');
    }
    expect((await upload(key, 'A\n', { type: 'text/csv; charset="UTF-8"' })).body).toEqual({ added: 1, duplicates: 0 });
    expect(await stats(key)).toEqual({ total: 1, assigned: 0, available: 1 });
  });

  it(`takes at most PARLEY_CODE_UPLOAD_MAX_LINES lines (413 past them, nothing added) and is not bound by the 1 MB JSON cap`, async () => {
    const { key } = await codesWorkspace('Limits');
    const lines = (n: number, prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`).join('\n');
    const over = await upload(key, lines(MAX_LINES + 1, 'OVER'), { base: capped.url });
    expect(over.status).toBe(413);
    expect(over.body.error).toMatchObject({ code: 'payload_too_large', message: `A code list may have at most ${MAX_LINES} lines`, details: { line: MAX_LINES + 1 } });
    expect(await stats(key)).toEqual({ total: 0, assigned: 0, available: 0 });
    expect((await upload(key, lines(MAX_LINES, 'FIT'), { base: capped.url })).body).toEqual({ added: MAX_LINES, duplicates: 0 });

    // 40000 codes of 60 characters: 2.4 MB, over the JSON body cap, under the default line limit.
    const big = Array.from({ length: 40_000 }, (_, i) => `${String(i).padStart(6, '0')}-${'z'.repeat(53)}`).join('\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(2 * 1024 * 1024);
    expect((await upload(key, big)).body).toEqual({ added: 40_000, duplicates: 0 });
  }, 120_000);

  it('needs a live key of the workspace (401, 404 elsewhere) and a codes step (404 unknown, 400 another module)', async () => {
    const { workspace, key, keyId } = await codesWorkspace('Auth');
    const other = await codesWorkspace('Other');
    const none = await upload(undefined, 'A\n');
    expect(none.status).toBe(401);
    expect((await upload('pk_not-a-key', 'A\n')).status).toBe(401);
    expect((await upload(other.key, 'A\n')).status).toBe(200);
    expect(await stats(key)).toEqual({ total: 0, assigned: 0, available: 0 });
    for (const [path, status, pointer] of [['/api/v1/flows/none/steps/reward/codes/csv', 404, undefined], ['/api/v1/flows/codes/steps/ghost/codes/csv', 404, '/params/stepId'], ['/api/v1/flows/codes/steps/hello/codes/csv', 400, '/params/stepId']] as const) {
      const response = await fetch(`${server.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' }, body: 'A\n' });
      expect(response.status, path).toBe(status);
      expect((await response.json()).error.path).toBe(pointer);
    }
    expect((await api(server.url, key, 'GET', CSV_PATH)).status).toBe(405);
    await revokeApiKey(storage.db, workspace.id, keyId);
    expect((await upload(key, 'A\n')).status).toBe(401);
  });
});
