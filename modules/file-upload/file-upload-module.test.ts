import { describe, expect, it } from 'vitest';
import { ModuleRegistry } from '../../core/module-registry.js';
import type { UploadedFile } from '../../core/module-contract.js';
import { fakeStep } from '../../test/support/fake-step.js';
import { samplePdf, samplePng } from '../../test/support/sample-files.js';
import { fileNameOf } from './file-kinds.js';
import { fileUploadModule, type FileUploadConfig } from './file-upload-module.js';

const CONFIG: FileUploadConfig = { question: 'Your receipt, {{first}}?', variable: 'receipt' };
const file = (content: Buffer, name = 'receipt.png', declaredType = 'image/png'): UploadedFile => ({ kind: 'file', name, declaredType, content });
const reply = (value: UploadedFile | string) => ({ kind: 'reply', value }) as const;
const validate = new ModuleRegistry([fileUploadModule]).get('file-upload')!.validateConfig;

describe('file upload step', () => {
  it('asks for a file: the types and size it takes, required by default', async () => {
    const { ctx } = fakeStep(CONFIG);
    expect(await fileUploadModule.handleStep({ kind: 'enter' }, ctx)).toEqual({
      type: 'await',
      messages: [{ kind: 'text', text: 'Your receipt, Ann?' }],
      input: { kind: 'file', label: 'Your receipt, {{first}}?', accept: ['image/jpeg', 'image/png', 'application/pdf'], maxBytes: 5 * 1024 * 1024, required: true },
    });
    const optional = fakeStep({ ...CONFIG, required: false, accept: ['application/pdf'], maxSizeMb: 2 }).ctx;
    expect(await fileUploadModule.handleStep({ kind: 'enter' }, optional)).toMatchObject({ input: { accept: ['application/pdf'], maxBytes: 2 * 1024 * 1024, required: false, skipLabel: 'Skip' } });
  });

  it('keeps the file sealed in Files and its name in a variable and Variables', async () => {
    const { ctx, variables, writes } = fakeStep(CONFIG);
    const png = samplePng(4);
    expect(await fileUploadModule.handleStep(reply(file(png, 'C:\\Users\\ann\\ticket 12.png')), ctx)).toEqual({ type: 'next', messages: [] });
    expect(variables.receipt).toBe('ticket 12.png');
    expect(writes).toEqual([
      { table: 'variables', row: { data: { variable: 'receipt' }, personal: { receipt: 'ticket 12.png' } } },
      { table: 'files', row: { data: { variable: 'receipt', type: 'image/png', bytes: png.length }, personal: { name: 'ticket 12.png' }, attachment: png } },
    ]);
  });

  it('reads the type from the bytes: a renamed text file is refused, a PDF sent as image/png is a PDF', async () => {
    const { ctx, writes } = fakeStep(CONFIG);
    expect(await fileUploadModule.handleStep(reply(file(Buffer.from('<script>alert(1)</script>'), 'x.png')), ctx)).toEqual({
      type: 'invalid', error: { code: 'validation_failed', message: 'Please send a JPEG, PNG or PDF file', path: '/value' },
    });
    expect(writes).toEqual([]);
    await fileUploadModule.handleStep(reply(file(samplePdf(), 'scan.png', 'image/png')), ctx);
    expect(writes[1]?.row.data).toMatchObject({ type: 'application/pdf' });
    const pngOnly = fakeStep({ ...CONFIG, accept: ['image/png'] }).ctx;
    expect(await fileUploadModule.handleStep(reply(file(samplePdf(), 'scan.pdf')), pngOnly)).toMatchObject({ error: { message: 'Please send a PNG file' } });
  });

  it('refuses an empty file, one over the size, and a text reply; skips only when not required', async () => {
    const { ctx, writes } = fakeStep({ ...CONFIG, maxSizeMb: 1 });
    expect(await fileUploadModule.handleStep(reply(file(Buffer.alloc(0))), ctx)).toMatchObject({ type: 'invalid', error: { message: 'This file is empty' } });
    const big = Buffer.concat([samplePng(), Buffer.alloc(1024 * 1024)]);
    expect(await fileUploadModule.handleStep(reply(file(big)), ctx)).toMatchObject({ type: 'invalid', error: { message: 'At most 1 MB' } });
    expect(await fileUploadModule.handleStep(reply(''), ctx)).toMatchObject({ type: 'invalid', error: { message: 'Please send a file' } });
    expect(await fileUploadModule.handleStep(reply('photo.png'), ctx)).toMatchObject({ type: 'invalid' });
    expect(writes).toEqual([]);
    const optional = fakeStep({ ...CONFIG, required: false });
    expect(await fileUploadModule.handleStep(reply(''), optional.ctx)).toEqual({ type: 'next', messages: [] });
    expect(optional.writes).toEqual([]);
  });

  it('keeps a file name without folders, control or direction characters', () => {
    expect(fileNameOf('../../etc/passwd')).toBe('passwd');
    expect(fileNameOf('invoice\u202Egnp.exe')).toBe('invoicegnp.exe');
    expect(fileNameOf('a\u0000b\n.png')).toBe('ab.png');
    expect(fileNameOf('..')).toBe('file');
    expect(fileNameOf('')).toBe('file');
    expect([...fileNameOf('é'.repeat(300))]).toHaveLength(200);
  });

  it('validates its configuration: known types only, no repeats, at most 10 MB', () => {
    expect(validate(CONFIG)).toBe(true);
    expect(validate({ ...CONFIG, accept: ['image/heic', 'image/webp'], maxSizeMb: 10, required: false, skipLabel: 'Later' })).toBe(true);
    for (const config of [
      { ...CONFIG, accept: ['text/html'] },
      { ...CONFIG, accept: ['image/png', 'image/png'] },
      { ...CONFIG, accept: [] },
      { ...CONFIG, maxSizeMb: 11 },
      { ...CONFIG, maxSizeMb: 0 },
      { question: 'Your receipt?' },
    ]) expect(validate(config), JSON.stringify(config)).toBe(false);
  });
});
