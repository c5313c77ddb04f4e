import { request } from 'node:http';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitUntil } from '../../support/wait-until.js';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../../support/test-database.js';
import { api, startTestServer } from '../../support/test-server.js';
import { connectChat, type ChatClient } from '../../support/chat-client.js';
import { samplePdf, samplePng } from '../../support/sample-files.js';
import { extractWith7z } from '../../support/seven-zip.js';
import { fileUploadPath, MAX_UPLOAD_BYTES, type ReplyAck } from '../../../core/chat-protocol.js';
import type { RunningServer } from '../../../runtime/server.js';
import { createWorkspace, updateWorkspace, type Workspace } from '../../../storage/workspace-repository.js';
import { issueApiKey } from '../../../storage/api-key-repository.js';
import { parse } from 'csv-parse/sync';
import { buffer } from 'node:stream/consumers';
import { registry, saveTestFlow } from '../../support/flow-harness.js';
import { prepareExport } from '../../../exporter/export-service.js';
import { renderExport } from '../../../exporter/pipeline/render-export.js';
import type { ExportDefinition } from '../../../exporter/definition/export-definition.js';

const ORIGIN = 'https://shop.example';
const FLOW = {
  name: 'Receipts',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'receipt' },
    { id: 'receipt', module: 'file-upload', config: { question: 'Your receipt?', variable: 'receipt', accept: ['image/png', 'application/pdf'], maxSizeMb: 1 }, next: 'thanks' },
    { id: 'thanks', module: 'message', config: { text: 'Thanks for {{receipt}}' } },
  ],
};

let storage: TestStorage;
let server: RunningServer;
let workspace: Workspace;
let key: string;

interface Sent {
  readonly status: number;
  readonly body: any;
  readonly allowOrigin: string | null;
}

/** POSTs a file the way the widget does (chat-protocol's `fileUploadPath`). */
async function sendFile(chat: ChatClient, content: Buffer, options: { name?: string; type?: string; origin?: string; token?: string | null; messageId?: string; workspaceId?: string } = {}): Promise<Sent> {
  const response = await fetch(`${server.url}${fileUploadPath(options.workspaceId ?? workspace.id, 'receipts')}`, {
    method: 'POST',
    body: new Uint8Array(content),
    headers: {
      origin: options.origin ?? ORIGIN,
      'content-type': options.type ?? 'image/png',
      ...(options.token !== null && { authorization: `Bearer ${options.token ?? chat.session.resumeToken}` }),
      'x-parley-message-id': options.messageId ?? `f-${Math.random()}`,
      'x-parley-file-name': encodeURIComponent(options.name ?? 'reçu 12.png'),
    },
  });
  return { status: response.status, body: await response.json(), allowOrigin: response.headers.get('access-control-allow-origin') };
}

/** A visitor at the file step (its email given). */
async function atFileStep(email: string): Promise<ChatClient> {
  const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'receipts' }, { origin: ORIGIN });
  const ack = await chat.reply(email);
  expect(ack.ok && ack.turn.input).toMatchObject({ kind: 'file', accept: ['image/png', 'application/pdf'], maxBytes: 1024 * 1024, required: true });
  return chat;
}

async function fileRows(workspaceId = workspace.id) {
  const result = await sql<{ id: string; data: Record<string, unknown>; personal: Buffer; attachment: Buffer }>`
    select id, data, personal, attachment from store_files where workspace_id = ${workspaceId} order by created_at, id`.execute(storage.db);
  return result.rows;
}

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
  workspace = await createWorkspace(storage, { name: 'Receipts', allowedOrigins: [ORIGIN] });
  key = (await issueApiKey(storage.db, workspace.id)).key;
  await saveTestFlow(storage, workspace, 'receipts', FLOW);
});
afterAll(async () => {
  await server?.close();
  await storage?.destroy();
});

describe('a file answering a chat step', () => {
  it('is taken once per message id, kept sealed in Files with its name in Variables, and named by the next message', async () => {
    const chat = await atFileStep('ann@example.org');
    const png = samplePng(16);
    const sent = await sendFile(chat, png, { messageId: 'file-1' });
    expect(sent).toMatchObject({ status: 200, allowOrigin: ORIGIN });
    expect((sent.body as ReplyAck).ok && (sent.body as Extract<ReplyAck, { ok: true }>).turn.messages).toEqual([{ kind: 'text', text: 'Thanks for reçu 12.png' }]);
    // A retry of the same message (its answer lost) gets the same turn and stores nothing more.
    const again = await sendFile(chat, png, { messageId: 'file-1' });
    expect(again.body).toEqual(sent.body);
    const rows = await fileRows();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toEqual({ variable: 'receipt', type: 'image/png', bytes: png.length });
    expect(rows[0]!.attachment.includes(png.subarray(0, 16))).toBe(false);
    expect(rows[0]!.personal.includes(Buffer.from('reçu'))).toBe(false);
    chat.close();

    // The owner sees the row without its bytes, and downloads the file as it came.
    const listed = await api(server.url, key, 'GET', '/api/v1/tables/files/rows');
    expect(listed.body.rows).toHaveLength(1);
    expect(listed.body.rows[0]).toMatchObject({ id: rows[0]!.id, moduleId: 'file-upload', data: { type: 'image/png' }, personal: { name: 'reçu 12.png' } });
    expect(JSON.stringify(listed.body)).not.toMatch(/attachment|content/);
    const variables = await api(server.url, key, 'GET', '/api/v1/tables/variables/rows');
    expect(variables.body.rows.map((r: { personal: unknown }) => r.personal)).toContainEqual({ receipt: 'reçu 12.png' });
    const file = await fetch(`${server.url}/api/v1/tables/files/rows/${rows[0]!.id}/file`, { headers: { authorization: `Bearer ${key}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(file.headers.get('content-disposition')).toBe(`attachment; filename="re_u 12.png"; filename*=UTF-8''re%C3%A7u%2012.png`);
    expect(file.headers.get('x-parley-file-type')).toBe('image/png');
    expect(Buffer.from(await file.arrayBuffer()).equals(png)).toBe(true);
    const audit = await api(server.url, key, 'GET', '/api/v1/audit');
    expect(audit.body.entries.map((e: { action: string }) => e.action)).toContain('file.downloaded');
  });

  it('refuses a file of another type (read from its bytes) at the step, which still waits', async () => {
    const chat = await atFileStep('bob@example.org');
    const before = (await fileRows()).length;
    const renamed = await sendFile(chat, Buffer.from('#!/bin/sh\necho hi\n'), { name: 'photo.png' });
    expect(renamed).toMatchObject({ status: 200, body: { ok: false, error: { code: 'validation_failed', message: 'Please send a PNG or PDF file', path: '/value' } } });
    const pdf = await sendFile(chat, samplePdf(), { name: 'scan.pdf', type: 'application/pdf' });
    expect(pdf.body).toMatchObject({ ok: true, turn: { messages: [{ text: 'Thanks for scan.pdf' }] } });
    expect((await fileRows()).length).toBe(before + 1);
    chat.close();
  });

  it('refuses, before reading the file and storing anything: another page, a wrong or missing token, an announced size over the limit, a file past the step size', async () => {
    const chat = await atFileStep('carol@example.org');
    const png = samplePng();
    const before = (await fileRows()).length;
    expect(await sendFile(chat, png, { origin: 'https://evil.example' })).toMatchObject({ status: 403, allowOrigin: null, body: { error: { code: 'forbidden' } } });
    expect(await sendFile(chat, png, { token: 'A'.repeat(43) })).toMatchObject({ status: 404, allowOrigin: ORIGIN, body: { error: { code: 'not_found' } } });
    expect(await sendFile(chat, png, { token: null })).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await sendFile(chat, png, { workspaceId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ status: 404 });
    expect(await sendFile(chat, Buffer.alloc(MAX_UPLOAD_BYTES + 1))).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
    // Over the step's own limit: refused by its announced size, before the body is read.
    const overStep = await sendFile(chat, Buffer.concat([png, Buffer.alloc(1024 * 1024)]));
    expect(overStep).toMatchObject({ status: 413, allowOrigin: ORIGIN, body: { error: { code: 'payload_too_large', message: 'At most 1 MB' } } });
    expect((await fileRows()).length).toBe(before);
    // The socket session goes on: the step still waits for its file.
    expect((await sendFile(chat, png)).body).toMatchObject({ ok: true });
    // Now the flow waits for nothing: a file is refused before it is read.
    expect(await sendFile(chat, png)).toMatchObject({ status: 409, body: { error: { code: 'conflict', message: 'This step does not take a file' } } });
    chat.close();
  });

  it('refuses files beyond the address budget (429) before reading them', async () => {
    const own = await startTestServer(storage, { PARLEY_FILES_PER_IP_PER_MINUTE: '2' });
    try {
      const chat = await connectChat(own.url, { workspace: workspace.id, flow: 'receipts' }, { origin: ORIGIN });
      await chat.reply('erin@example.org');
      const send = () => fetch(`${own.url}${fileUploadPath(workspace.id, 'receipts')}`, {
        method: 'POST',
        body: new Uint8Array(Buffer.from('not a picture')),
        headers: { origin: ORIGIN, authorization: `Bearer ${chat.session.resumeToken}`, 'x-parley-message-id': `m-${Math.random()}`, 'x-parley-file-name': 'a.png' },
      });
      expect([(await send()).status, (await send()).status]).toEqual([200, 200]);
      const third = await send();
      expect(third.status).toBe(429);
      expect(await third.json()).toMatchObject({ error: { code: 'rate_limited' } });
      chat.close();
    } finally {
      await own.close();
    }
  });

  it('receives at most PARLEY_FILES_IN_FLIGHT files at once: another gets 503 with Retry-After until one is done', async () => {
    const own = await startTestServer(storage, { PARLEY_FILES_IN_FLIGHT: '1', PARLEY_FILES_PER_IP_PER_MINUTE: '10000' });
    try {
      const chat = await connectChat(own.url, { workspace: workspace.id, flow: 'receipts' }, { origin: ORIGIN });
      await chat.reply('fay@example.org');
      const png = samplePng();
      const { hostname, port } = new URL(own.url);
      const headers = { origin: ORIGIN, authorization: `Bearer ${chat.session.resumeToken}`, 'x-parley-file-name': 'slow.png', 'content-type': 'image/png' };
      // A slow upload: its first half sent, the rest held back.
      const slow = request({ hostname, port, method: 'POST', path: fileUploadPath(workspace.id, 'receipts'), headers: { ...headers, 'x-parley-message-id': 'slow', 'content-length': String(png.length) } });
      const answered = new Promise<{ status: number; body: string }>((resolve, reject) => {
        slow.on('response', (response) => void text(response).then((body) => resolve({ status: response.statusCode!, body }), reject));
        slow.on('error', reject);
      });
      slow.write(png.subarray(0, 10));
      // Another visitor's file, which the step refuses whenever it is let in (so it takes nothing).
      const other = await connectChat(own.url, { workspace: workspace.id, flow: 'receipts' }, { origin: ORIGIN });
      await other.reply('gus@example.org');
      const busy = async () =>
        fetch(`${own.url}${fileUploadPath(workspace.id, 'receipts')}`, {
          method: 'POST',
          body: new Uint8Array(Buffer.from('not a picture')),
          headers: { ...headers, authorization: `Bearer ${other.session.resumeToken}`, 'x-parley-message-id': `m-${Math.random()}` },
        });
      await waitUntil(async () => (await busy()).status === 503, { what: 'the slow upload to be received' });
      const refused = await busy();
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('2');
      expect(await refused.json()).toMatchObject({ error: { code: 'unavailable' } });
      slow.end(png.subarray(10));
      const done = await answered;
      expect(done.status).toBe(200);
      expect(JSON.parse(done.body)).toMatchObject({ ok: true, turn: { messages: [{ text: 'Thanks for slow.png' }] } });
      expect((await busy()).status).toBe(200);
      chat.close();
      other.close();
    } finally {
      await own.close();
    }
  });

  it('answers a browser preflight for allowed pages only', async () => {
    const preflight = (origin: string) =>
      fetch(`${server.url}${fileUploadPath(workspace.id, 'receipts')}`, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-parley-message-id,x-parley-file-name' } });
    const allowed = await preflight(ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ORIGIN);
    expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toBe('authorization, content-type, x-parley-message-id, x-parley-file-name');
    const refused = await preflight('https://evil.example');
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('cannot be asked for while the workspace stores no data; switched off after the flow was saved, it stores nothing and the chat goes on', async () => {
    const off = await createWorkspace(storage, { name: 'Off', allowedOrigins: [ORIGIN], storageEnabled: false });
    await expect(saveTestFlow(storage, off, 'receipts', FLOW)).rejects.toMatchObject({ code: 'storage_disabled', path: '/steps/1/module' });
    await saveTestFlow(storage, await updateWorkspace(storage, off.id, { storageEnabled: true }), 'receipts', FLOW);
    await updateWorkspace(storage, off.id, { storageEnabled: false });
    const chat = await connectChat(server.url, { workspace: off.id, flow: 'receipts' }, { origin: ORIGIN });
    await chat.reply('dan@example.org');
    const sent = await sendFile(chat, samplePng(), { workspaceId: off.id, name: 'private.png' });
    expect(sent.body).toMatchObject({ ok: true, turn: { messages: [{ text: 'Thanks for private.png' }] } });
    expect(await fileRows(off.id)).toEqual([]);
    chat.close();
  });

  it('names the file in exports (form.<variable>)', async () => {
    const prepared = await prepareExport(storage, registry, workspace, {
      name: 'Receipts', source: { flow: 'receipts' }, format: { type: 'csv' }, fileNamePattern: '{export}', conditions: [],
      fields: [{ field: 'form.email', column: 'EMAIL' }, { field: 'form.receipt', column: 'RECEIPT' }],
    } as unknown as ExportDefinition);
    const csv = parse((await buffer(renderExport({ compiled: prepared.compiled, format: { type: 'csv' }, records: prepared.records() }).output)).toString('utf8')) as string[][];
    expect(csv).toContainEqual(['ann@example.org', 'reçu 12.png']);
    expect(csv).toContainEqual(['bob@example.org', 'scan.pdf']);
  });

  it('goes with its row: in the table download (7-Zip opens the file beside the CSV), deleted by hand, erased with its subject', async () => {
    const rows = await fileRows();
    const issued = await api(server.url, key, 'POST', '/api/v1/tables/files/downloads', { acceptTerms: true });
    const zip = Buffer.from(await (await fetch(issued.body.url)).arrayBuffer());
    const first = await extractWith7z(zip, `files/${rows[0]!.id}-reçu 12.png`, issued.body.password);
    expect(first.code).toBe(0);
    expect(first.bytes!.equals(samplePng(16))).toBe(true);
    expect(first.listing).toContain('files.csv');
    for (const row of rows) expect(first.listing).toContain(`files/${row.id}-`);
    const csv = await extractWith7z(zip, 'files.csv', issued.body.password);
    expect(csv.text!.split('\n')[1]).toContain(rows[0]!.id);
    expect(csv.text).not.toContain(samplePng(16).toString('base64').slice(0, 12));

    expect((await api(server.url, key, 'DELETE', `/api/v1/tables/files/rows/${rows[1]!.id}`)).status).toBe(204);
    expect((await fetch(`${server.url}/api/v1/tables/files/rows/${rows[1]!.id}/file`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);

    // Ann's file carries no hash of her email, but was sent in her session: it is hers.
    const found = await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'ann@example.org' });
    expect(found.body.rows.map((r: { table: string }) => r.table).sort()).toEqual(['files', 'variables', 'variables']);
    const erased = await api(server.url, key, 'POST', '/api/v1/subjects/erasure', { email: 'ann@example.org' });
    expect(erased.body.erased).toMatchObject({ files: 1, variables: 2, sessions: 1 });
    expect((await fetch(`${server.url}/api/v1/tables/files/rows/${rows[0]!.id}/file`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await fileRows()).map((r) => r.id)).not.toContain(rows[0]!.id);
  });

  it("goes with the subject whose session it was sent in, and another address asked in that session stays that person's", async () => {
    await saveTestFlow(storage, workspace, 'referral', {
      name: 'Referral',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'friend' },
        { id: 'friend', module: 'email-capture', config: { question: "Your friend's email?", variable: 'friend_email' }, next: 'receipt' },
        { id: 'receipt', module: 'file-upload', config: { question: 'Your receipt?', variable: 'receipt', accept: ['image/png'] } },
      ],
    });
    const chat = await connectChat(server.url, { workspace: workspace.id, flow: 'referral' }, { origin: ORIGIN });
    await chat.reply('hal@example.org');
    await chat.reply('ivy@example.org');
    const response = await fetch(`${server.url}${fileUploadPath(workspace.id, 'referral')}`, {
      method: 'POST',
      body: new Uint8Array(samplePng(5)),
      headers: { origin: ORIGIN, authorization: `Bearer ${chat.session.resumeToken}`, 'content-type': 'image/png', 'x-parley-message-id': 'hal-file', 'x-parley-file-name': 'hal.png' },
    });
    expect(response.status).toBe(200);
    chat.close();
    const personalOf = (rows: Array<{ table: string; personal: unknown }>) => rows.map((r) => `${r.table} ${JSON.stringify(r.personal)}`).sort();
    const hal = await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'hal@example.org' });
    expect(personalOf(hal.body.rows)).toEqual(['files {"name":"hal.png"}', 'variables {"email":"hal@example.org"}', 'variables {"receipt":"hal.png"}']);
    const ivy = await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'ivy@example.org' });
    expect(personalOf(ivy.body.rows)).toEqual(['variables {"friend_email":"ivy@example.org"}']);
    const erased = await api(server.url, key, 'POST', '/api/v1/subjects/erasure', { email: 'hal@example.org' });
    expect(erased.body.erased).toMatchObject({ files: 1, variables: 2 });
    expect(personalOf((await api(server.url, key, 'POST', '/api/v1/subjects/lookup', { email: 'ivy@example.org' })).body.rows)).toEqual(['variables {"friend_email":"ivy@example.org"}']);
  });

  it('is not served to another workspace', async () => {
    const other = await createWorkspace(storage, { name: 'Other' });
    const otherKey = (await issueApiKey(storage.db, other.id)).key;
    const [row] = await fileRows();
    const response = await fetch(`${server.url}/api/v1/tables/files/rows/${row!.id}/file`, { headers: { authorization: `Bearer ${otherKey}` } });
    expect(response.status).toBe(404);
  });
});
