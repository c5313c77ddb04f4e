import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { seal } from '../../../storage/crypto/aes-gcm.js';
import { GcmOpener } from '../../../storage/crypto/gcm-opener.js';
import { ExportRowView, ProjectedRowView, RelatedRowView, SEALED_NOT_READ, type PersonalOpener, type RawColumns } from '../../../storage/export-row.js';

/** A related row as its statement sends it (`relatedRowColumns`): id, data, personal, then the table's and keys' numbers. */
const relatedRow = (personal: string | null): RawColumns => [ROW[0]!, '{"chrono":12}', personal, '0', '1', null];

const ROW: RawColumns = [
  '0190f6a0-0000-7000-8000-000000000001',
  '0190f6a0-0000-7000-8000-000000000002',
  '0190f6a0-0000-7000-8000-000000000003',
  'p000000001',
  '\\x00ff',
  'email-capture',
  'email',
  '2026-06-30 08:00:01.5+02',
  '2026-07-30 08:00:01.5+02',
  '{"chrono":12}',
  null,
];

describe('export row views', () => {
  it('read a whole row lazily, and have no projected value', () => {
    const row = new ExportRowView('participations', ROW, undefined);
    expect([row.id, row.participantRef, row.moduleId, row.stepId, row.subjectKey]).toEqual([ROW[0], 'p000000001', 'email-capture', 'email', '\\x00ff']);
    expect(row.createdAt.toISOString()).toBe('2026-06-30T06:00:01.500Z');
    expect(row.data).toEqual({ chrono: 12 });
    expect(row.personal).toBeNull();
    expect(() => row.projected(0)).toThrow('projected no value');
  });

  it('of projected entries: the table, then the values; any column of the row throws', () => {
    const entry = new ProjectedRowView(['participations', 'p000000001', null, '"FR"']);
    expect([entry.table, entry.projected(0), entry.projected(1), entry.projected(2), entry.projected(3)]).toEqual(['participations', 'p000000001', null, '"FR"', null]);
    for (const getter of ['id', 'flowId', 'sessionId', 'participantRef', 'subjectKey', 'moduleId', 'stepId', 'createdAt', 'expiresAt', 'data', 'personal'] as const) {
      expect(() => entry[getter], getter).toThrow('reads no column of the entry');
    }
  });

  it('of related rows: id, data and personal values, sent alone; the other columns throw', () => {
    const row = new RelatedRowView('variables', relatedRow(null), undefined);
    expect([row.id, row.data, row.personal]).toEqual([ROW[0], { chrono: 12 }, null]);
    for (const getter of ['flowId', 'sessionId', 'participantRef', 'subjectKey', 'moduleId', 'stepId', 'createdAt', 'expiresAt'] as const) {
      expect(() => row[getter], getter).toThrow('relatedRowColumns');
    }
  });

  it('of a batch: openAll decrypts every sealed value its opener opens at once; none is opened again when read', () => {
    const key = randomBytes(32);
    const gcm = new GcmOpener(key, Buffer.from('ws'));
    const calls = { one: 0, all: 0 };
    const parse = (b: Buffer) => JSON.parse(b.toString()) as Record<string, unknown>;
    const opener: PersonalOpener = Object.assign((sealed: Buffer) => ((calls.one += 1), parse(gcm.open(sealed))), {
      all: (sealed: readonly Buffer[]) => ((calls.all += 1), gcm.openAll(sealed).map(parse)),
    });
    const sealedValue = (n: number) => `\\x${seal(key, Buffer.from(JSON.stringify({ email: `p${n}@example.org` })), 'ws').toString('hex')}`;
    const sealedRow = (n: number): RawColumns => ROW.map((v, i) => (i === 10 ? sealedValue(n) : v));
    const views = [new ExportRowView('variables', sealedRow(1), opener), new ExportRowView('participations', ROW, opener), new RelatedRowView('variables', relatedRow(sealedValue(2)), opener)];
    // A row of a table whose sealed values were not sent keeps its own opener, which refuses.
    const unsent = new RelatedRowView('consents', relatedRow('\\x'), SEALED_NOT_READ);
    ExportRowView.openAll([...views, unsent], opener);
    expect(calls).toEqual({ one: 0, all: 1 });
    expect(views.map((v) => v.personal)).toEqual([{ email: 'p1@example.org' }, null, { email: 'p2@example.org' }]);
    expect(calls).toEqual({ one: 0, all: 1 });
    expect(() => unsent.personal).toThrow('did not read sealed values');
  });

  it('of a batch with a value that does not open: none is kept, each opens its own when read, and only the bad one fails', () => {
    const key = randomBytes(32);
    const gcm = new GcmOpener(key, Buffer.from('ws'));
    const opener: PersonalOpener = Object.assign((sealed: Buffer) => JSON.parse(gcm.open(sealed).toString()) as Record<string, unknown>, {
      all: (sealed: readonly Buffer[]) => gcm.openAll(sealed).map((b) => JSON.parse(b.toString()) as Record<string, unknown>),
    });
    const good = seal(key, Buffer.from('{"email":"a@example.org"}'), 'ws');
    const bad = Buffer.from(good);
    bad[bad.length - 1]! ^= 1;
    const row = (sealed: Buffer): RawColumns => ROW.map((v, i) => (i === 10 ? `\\x${sealed.toString('hex')}` : v));
    const [first, second] = [new ExportRowView('variables', row(good), opener), new ExportRowView('variables', row(bad), opener)];
    ExportRowView.openAll([first!, second!], opener);
    expect(first!.personal).toEqual({ email: 'a@example.org' });
    expect(() => second!.personal).toThrow('could not be decrypted');
  });
});
