import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryFixture, type DeliveryFixture } from '../../support/delivery-fixture.js';
import { OpenApiContract } from '../../support/openapi-contract.js';
import { createGpgHome, type GpgHome } from '../../support/peers/gpg-cli.js';
import { startSshd, type SshdPeer } from '../../support/peers/sshd-peer.js';
import { extractWith7z } from '../../support/seven-zip.js';

let fixture: DeliveryFixture;
let contract: OpenApiContract;
let gpg: GpgHome;
let sshd: SshdPeer;

// Saturday 2026-03-28 13:00 in Paris; the clocks go forward on the night to Sunday.
const START = new Date('2026-03-28T12:00:00Z');

beforeAll(async () => {
  [fixture, gpg, sshd] = await Promise.all([startDeliveryFixture({ start: START }), createGpgHome(), startSshd()]);
  contract = await OpenApiContract.fetch(fixture.server.url);
  await fixture.play('ann@example.org', 'Ann');
  fixture.storage.clock.advance(60_000);
  await fixture.play('bob@example.org', 'Bob');
});
afterAll(async () => {
  await Promise.all([fixture?.close(), gpg?.remove(), sshd?.stop()]);
});

/** Calls the API and checks the answer against the OpenAPI document. */
async function call(operationId: string, method: string, route: string, body?: unknown) {
  const response = await fixture.call(method, route, body);
  expect(contract.check(operationId, response.status, response.body), `${operationId} ${response.status} ${JSON.stringify(response.body)}`).toEqual([]);
  return response;
}

const draft = {
  name: 'Draft',
  source: { flow: 'spring' },
  fields: [{ field: 'form.email', column: 'EMAIL', filter: 'upper_case' }, { field: 'form.nickname', minSize: 5, padChar: '0', padSide: 'left' }],
  format: { type: 'csv', delimiter: ';' },
  fileNamePattern: '{export}',
};

describe('the API the export builder uses', () => {
  it('lists the 18 filters by their plain names, the operators and each destination form (credentials write-only)', async () => {
    const { body } = await call('listExportOptions', 'GET', '/export-options');
    expect(body.filters).toHaveLength(18);
    expect(body.filters.find((f: { id: string }) => f.id === 'one_zero')).toEqual({ id: 'one_zero', title: 'Text to 1/0', description: expect.any(String), accepts: ['text', 'boolean', 'number'] });
    expect(body.filters.find((f: { id: string }) => f.id === 'upper_case')).toEqual({ id: 'upper_case', title: 'Upper case', description: expect.any(String), accepts: ['text'] });
    expect(body.operators.find((o: { id: string }) => o.id === 'in_list')).toMatchObject({ title: 'is one of', value: 'list', wholeValue: true });
    expect(body.operators.filter((o: { wholeValue: boolean }) => o.wholeValue).map((o: { id: string }) => o.id)).toEqual(['equals', 'not_equals', 'in_list']);
    expect(body.destinations.map((d: { kind: string }) => d.kind)).toEqual(['local', 'ftp', 'ftps', 'sftp', 's3', 'gcs']);
    const sftp = body.destinations.find((d: { kind: string }) => d.kind === 'sftp').schema;
    expect(sftp.properties.password).toMatchObject({ title: 'Password', writeOnly: true });
    expect(sftp.properties.kind).toBeUndefined();
    expect(body.destinations.find((d: { kind: string }) => d.kind === 'ftp').schema.properties.caCert).toBeUndefined();
  });

  it('previews a definition that is not saved, and refuses a bad one at the path saving would name', async () => {
    const preview = await call('previewExportDraft', 'POST', '/export-drafts/preview?limit=1', { ...draft, destination: { kind: 'nowhere' } });
    expect(preview.status).toBe(200);
    expect(preview.body).toEqual({ columns: ['EMAIL', 'form.nickname'], rows: [['ANN@EXAMPLE.ORG', '00Ann']], text: 'EMAIL;form.nickname\r\nANN@EXAMPLE.ORG;00Ann\r\n' });
    const refused = await call('previewExportDraft', 'POST', '/export-drafts/preview', { ...draft, fields: [{ field: 'device.width', filter: 'upper_case' }] });
    expect(refused.status).toBe(400);
    expect(refused.body.error.path).toBe('/fields/0/filter');
  });

  it('tests a destination as typed, filling left-out credentials from a saved export of the same kind', async () => {
    expect((await call('testDraftDestination', 'POST', '/export-drafts/destination-test', { destination: { kind: 'local', directory: 'checked' } })).body).toEqual({ ok: true });
    const bad = await call('testDraftDestination', 'POST', '/export-drafts/destination-test', { destination: { kind: 'local', directory: '../out' } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toBe('/destination/directory');

    const sftp = { kind: 'sftp', host: '127.0.0.1', port: sshd.port, username: sshd.username, hostKeySha256: sshd.hostKeySha256, directory: sshd.dir };
    const saved = await fixture.createExport({ ...draft, destination: { ...sftp, password: sshd.password } });
    expect(saved.body.definition.destination).toMatchObject({ passwordSet: true });
    expect(saved.body.definition.destination.password).toBeUndefined();
    const withoutSecret = await call('testDraftDestination', 'POST', '/export-drafts/destination-test', { destination: sftp });
    expect(withoutSecret.status).toBe(400);
    expect((await call('testDraftDestination', 'POST', '/export-drafts/destination-test', { destination: sftp, exportId: saved.id })).body).toEqual({ ok: true });
    const wrongKey = await call('testDraftDestination', 'POST', '/export-drafts/destination-test', { destination: { ...sftp, hostKeySha256: `SHA256:${'B'.repeat(43)}` }, exportId: saved.id });
    expect(wrongKey.body).toEqual({ ok: false, error: 'The SFTP server host key does not match the pinned fingerprint', retryable: false });
    const unknown = await call('testDraftDestination', 'POST', '/export-drafts/destination-test', { destination: sftp, exportId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);

    // Replacing it with another kind does not drag the stored password along.
    const replaced = await call('replaceExport', 'PUT', `/exports/${saved.id}`, { ...draft, destination: { kind: 'local', directory: 'moved' } });
    expect(replaced.status, JSON.stringify(replaced.body)).toBe(200);
    expect(replaced.body.definition.destination).toEqual({ kind: 'local', directory: 'moved' });
  });

  it('checks a pasted GPG key on the spot, with the specific reason when it is refused', async () => {
    const fingerprint = await gpg.generateKey('Partner <partner@example.org>', 'default', 'default', 'never');
    // gpg signs the key at the real time: check it at that time too, once it exists (on a loaded
    // machine generating it takes seconds, and a key created after the check's time is refused).
    fixture.storage.clock.set(new Date());
    const ok = await call('checkGpgKey', 'POST', '/export-drafts/gpg-key-check', { publicKey: await gpg.exportPublicKeys(fingerprint) });
    expect(ok.body).toMatchObject({ fingerprint, userIds: ['Partner <partner@example.org>'], expiresAt: null });
    const secret = await call('checkGpgKey', 'POST', '/export-drafts/gpg-key-check', { publicKey: await gpg.exportSecretKey(fingerprint) });
    expect(secret.status).toBe(400);
    expect(secret.body.error).toMatchObject({ path: '/publicKey', details: { reason: 'private_key' } });
    const junk = await call('checkGpgKey', 'POST', '/export-drafts/gpg-key-check', { publicKey: 'not a key' });
    expect(junk.body.error.details.reason).toBe('not_armored');
  });

  it('gives the file name a run would get now, in the workspace zone', async () => {
    fixture.storage.clock.set(START);
    const body = { name: 'Leads/June', source: { flow: 'spring' }, format: { type: 'json', layout: 'ndjson' }, fileNamePattern: '{export}_{flow}_{date:YYYY-MM-DD_HH}h-{run}' };
    expect((await call('exampleFileName', 'POST', '/export-drafts/file-name', body)).body).toEqual({ fileName: 'Leads_June_Spring draw_2026-03-28_13h-1.ndjson' });
    expect((await call('exampleFileName', 'POST', '/export-drafts/file-name', { ...body, encrypted: true, run: 7 })).body.fileName).toBe('Leads_June_Spring draw_2026-03-28_13h-7.ndjson.gpg');
    const bad = await call('exampleFileName', 'POST', '/export-drafts/file-name', { ...body, fileNamePattern: '{nope}' });
    expect(bad.body.error.path).toBe('/fileNamePattern');
    const badFormat = await call('exampleFileName', 'POST', '/export-drafts/file-name', { ...body, format: { type: 'csv', delimiter: 'x' } });
    expect(badFormat.body.error.path).toBe('/format/delimiter');
  });

  it('says when a trigger fires next in the workspace zone, across a daylight-saving change', async () => {
    fixture.storage.clock.set(START);
    const next = (trigger: unknown) => call('nextTriggerOccurrence', 'POST', '/export-drafts/next-occurrence', { trigger });
    // 06:00 in Paris on Sunday 29 March is 04:00 UTC (summer time has started).
    expect((await next({ type: 'daily', time: '06:00', mode: 'all' })).body).toEqual({ at: '2026-03-29T04:00:00.000Z', timeZone: 'Europe/Paris' });
    expect((await next({ type: 'daily', time: '14:30', mode: 'all' })).body.at).toBe('2026-03-28T13:30:00.000Z');
    expect((await next({ type: 'weekly', day: 'saturday', time: '09:00' })).body.at).toBe('2026-04-04T07:00:00.000Z');
    expect((await next({ type: 'scheduled', at: '2026-03-01T10:00' })).body.at).toBeNull();
    expect((await next({ type: 'closure' })).body.at).toBeNull();
    const bad = await next({ type: 'daily', time: '25:00', mode: 'all' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.path).toMatch(/^\/trigger/);
  });

  it('shows each export with its next run and last run, and lets a local run file be downloaded once, as delivered, in an encrypted ZIP', async () => {
    fixture.storage.clock.set(START);
    const local = await fixture.createExport({ ...draft, name: 'Local daily', destination: { kind: 'local', directory: 'daily' }, trigger: { type: 'daily', time: '06:00', mode: 'all' } });
    expect(local.body).toMatchObject({ nextRunAt: '2026-03-29T04:00:00.000Z', lastRun: null });
    const runId = await fixture.startRun(local.id);
    const run = await fixture.waitForRun(local.id, runId);
    expect(run.status).toBe('succeeded');
    const listed = (await call('listExports', 'GET', '/exports')).body.exports.find((e: { id: string }) => e.id === local.id);
    expect(listed.lastRun).toMatchObject({ id: runId, run: 1, status: 'succeeded' });

    // The owner accepts the terms first; the file comes in an AES-256 ZIP that 7-Zip opens with the password shown once.
    const unaccepted = await call('createRunDownload', 'POST', `/exports/${local.id}/runs/${runId}/downloads`, {});
    expect(unaccepted.status).toBe(400);
    expect(unaccepted.body.error.path).toBe('/acceptTerms');
    const link = await call('createRunDownload', 'POST', `/exports/${local.id}/runs/${runId}/downloads`, { acceptTerms: true });
    expect(link.status).toBe(201);
    expect(link.body).toMatchObject({ fileName: run.fileName, bytes: run.bytes, password: expect.stringMatching(/^[A-Za-z0-9_-]{27}$/) });
    const file = await fetch(link.body.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('application/zip');
    expect(file.headers.get('content-disposition')).toContain(`attachment; filename="${run.fileName}.zip"`);
    const zip = Buffer.from(await file.arrayBuffer());
    expect((await extractWith7z(zip, run.fileName!, 'wrong password')).code).not.toBe(0);
    const opened = await extractWith7z(zip, run.fileName!, link.body.password);
    expect(opened.listing).toContain('AES-256');
    expect(createHash('sha256').update(opened.bytes!).digest('hex')).toBe(run.sha256);
    expect(opened.text).toContain('ANN@EXAMPLE.ORG');
    expect(zip.includes(Buffer.from('ANN@EXAMPLE.ORG'))).toBe(false);
    expect((await fetch(link.body.url)).status).toBe(410);

    // A file replaced since the run is not offered as that run's file.
    await writeFile(path.join(fixture.dataDir, 'exports', 'daily', run.fileName!), 'replaced');
    const replaced = await call('createRunDownload', 'POST', `/exports/${local.id}/runs/${runId}/downloads`, { acceptTerms: true });
    expect(replaced.status).toBe(409);
    expect(await readFile(path.join(fixture.dataDir, 'exports', 'daily', run.fileName!), 'utf8')).toBe('replaced');
    const missing = await call('createRunDownload', 'POST', `/exports/${local.id}/runs/00000000-0000-4000-8000-000000000000/downloads`, { acceptTerms: true });
    expect(missing.status).toBe(404);
  });

  it('offers no download for a run delivered elsewhere', async () => {
    const remote = await fixture.createExport({ ...draft, name: 'To SFTP', destination: { kind: 'sftp', host: '127.0.0.1', port: sshd.port, username: sshd.username, password: sshd.password, hostKeySha256: sshd.hostKeySha256, directory: sshd.dir } });
    const runId = await fixture.startRun(remote.id);
    expect((await fixture.waitForRun(remote.id, runId)).status).toBe('succeeded');
    const link = await call('createRunDownload', 'POST', `/exports/${remote.id}/runs/${runId}/downloads`, { acceptTerms: true });
    expect(link.status).toBe(409);
  });
});
