import { execFile } from 'node:child_process';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, getWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Conventions' });
  key = (await issueApiKey(storage.db, workspace.id)).key;
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

describe('HTTP conventions of the admin API', () => {
  it('answers 401 with a WWW-Authenticate: Bearer challenge, with or without a key', async () => {
    for (const authorization of [undefined, 'Bearer not-a-key', 'Basic dXNlcjpwYXNz']) {
      const response = await fetch(`${server.url}/api/v1/workspace`, { headers: authorization ? { authorization } : {} });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer\b/);
      expect((await response.json()).error.code).toBe('unauthorized');
    }
    const wrong = await fetch(`${server.url}/api/v1/workspace`, { headers: { authorization: 'Bearer not-a-key' } });
    expect(wrong.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('answers a wrong method on a known path with 405 and the Allow header', async () => {
    const cases: Array<[string, string, string]> = [
      ['DELETE', '/api/v1/workspace', 'GET, PATCH, HEAD'],
      ['PATCH', '/api/v1/flows/welcome', 'GET, PUT, DELETE, HEAD'],
      ['GET', '/api/v1/subjects/erasure', 'POST'],
      ['PUT', '/api/v1/exports', 'GET, POST, HEAD'],
    ];
    for (const [method, url, allow] of cases) {
      const response = await fetch(`${server.url}${url}`, { method, headers: { authorization: `Bearer ${key}` } });
      expect(response.status, `${method} ${url}`).toBe(405);
      expect(response.headers.get('allow')).toBe(allow);
      expect((await response.json()).error.code).toBe('method_not_allowed');
    }
    expect((await api(server.url, key, 'GET', '/api/v1/no-such-thing')).status).toBe(404);
  });

  it('answers a body that is not JSON with 415 and changes nothing', async () => {
    const before = await getWorkspace(storage, workspace.id);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined]) {
      const response = await fetch(`${server.url}/api/v1/workspace`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${key}`, ...(type && { 'content-type': type }) },
        body: type === undefined ? new Blob(['{"name":"Changed"}']) : '{"name":"Changed"}',
      });
      expect(response.status, String(type)).toBe(415);
      expect((await response.json()).error.code).toBe('unsupported_media_type');
    }
    expect(await getWorkspace(storage, workspace.id)).toEqual(before);
    const json = await fetch(`${server.url}/api/v1/workspace`, { method: 'PATCH', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/merge-patch+json' }, body: '{"name":"Changed"}' });
    expect(json.status).toBe(200);
    expect((await api(server.url, key, 'POST', `/api/v1/flows/none/close`)).status).toBe(404);
  });

  it('keeps personal data out of URLs: subject look-up and erasure take the email in a POST body', async () => {
    expect((await api(server.url, key, 'GET', '/api/v1/subjects?email=a@example.org')).status).toBe(404);
    const found = await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'a@example.org' });
    expect(found).toEqual({ status: 200, body: { rows: [] } });
    const document = (await api(server.url, undefined, 'GET', '/api/v1/openapi.json')).body;
    for (const [route, methods] of Object.entries(document.paths as Record<string, Record<string, { parameters: Array<{ name: string; in: string }> }>>)) {
      for (const [method, op] of Object.entries(methods)) {
        expect(op.parameters.filter((p) => /email/i.test(p.name)), `${method} ${route}`).toEqual([]);
      }
    }
  });
});

describe('the served OpenAPI document', () => {
  it('declares its server and lints clean under Redocly recommended rules', async () => {
    const document = (await api(server.url, undefined, 'GET', '/api/v1/openapi.json')).body;
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    const dir = await mkdtemp(path.join(tmpdir(), 'parley-openapi-'));
    try {
      const file = path.join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(document));
      const result = await promisify(execFile)(
        path.join(ROOT, 'node_modules', '.bin', 'redocly'),
        ['lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'json'],
        { cwd: dir, timeout: 120_000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } },
      ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      const report = JSON.parse(result.stdout) as { totals: Record<string, number>; problems: Array<{ ruleId: string; message: string; location: unknown }> };
      expect(report.problems.map((p) => `${p.ruleId}: ${p.message} ${JSON.stringify(p.location)}`)).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000);
});

/** A GET of `path` with exactly these request headers (fetch would add and undo its own encodings). */
function rawGet(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}${path}`, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the browser scripts (widget and console)', () => {
  it.each(['/widget.js', '/admin.js'])('sends %s in brotli or gzip when the browser accepts it, the same script, one ETag per encoding', async (path) => {
    const plain = await rawGet(path, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.headers['vary']).toMatch(/Accept-Encoding/i);
    expect(plain.headers['content-type']).toMatch(/javascript/);
    expect(plain.body.length).toBeGreaterThan(10_000);

    const br = await rawGet(path, { 'accept-encoding': 'gzip, deflate, br' });
    expect(br.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(br.body).equals(plain.body)).toBe(true);
    expect(br.body.length).toBeLessThan(plain.body.length / 2.5);

    const gzip = await rawGet(path, { 'accept-encoding': 'gzip, deflate' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);
    expect(await rawGet(path, { 'accept-encoding': 'br;q=0, gzip;q=0.5' }).then((r) => r.headers['content-encoding'])).toBe('gzip');

    const etags = new Set([plain, br, gzip].map((r) => r.headers['etag']));
    expect(etags.size).toBe(3);
    const revalidated = await rawGet(path, { 'accept-encoding': 'br', 'if-none-match': String(br.headers['etag']) });
    expect(revalidated.status).toBe(304);
    expect(revalidated.body.length).toBe(0);
  });
});

describe("Parley's icon", () => {
  it('is served at /favicon.svg and /favicon.ico as SVG, revalidated by ETag, and linked by the console page', async () => {
    for (const path of ['/favicon.svg', '/favicon.ico']) {
      const icon = await rawGet(path, {});
      expect(icon.status, path).toBe(200);
      expect(icon.headers['content-type'], path).toMatch(/^image\/svg\+xml/);
      expect(icon.body.toString('utf8'), path).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      expect((await rawGet(path, { 'if-none-match': String(icon.headers['etag']) })).status, path).toBe(304);
    }
    const page = await (await fetch(`${server.url}/admin`)).text();
    expect(page).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml">');
  });
});
