import { describe, expect, it } from 'vitest';
import { ExportRowView, ProjectedRowView, RelatedRowView, type RawColumns } from '../../../storage/export-row.js';

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

  it('of related rows: id, data and personal values; the other columns throw', () => {
    const row = new RelatedRowView('variables', ROW, undefined);
    expect([row.id, row.data, row.personal]).toEqual([ROW[0], { chrono: 12 }, null]);
    for (const getter of ['flowId', 'sessionId', 'participantRef', 'subjectKey', 'moduleId', 'stepId', 'createdAt', 'expiresAt'] as const) {
      expect(() => row[getter], getter).toThrow('relatedRowColumns');
    }
  });
});
