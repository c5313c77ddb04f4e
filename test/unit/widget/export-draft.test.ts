import { describe, expect, it } from 'vitest';
import { contentOf, definitionOf, draftOf, emptyDraft, findField, newDraftField, scopeOf } from '../../../widget/admin/exports/export-draft.js';
import type { ExportSummary, FieldCatalogue } from '../../../widget/admin/export-api-types.js';

const catalogue: FieldCatalogue = {
  winnersOffered: true,
  groups: [
    { group: 'form', title: 'Form', description: '', fields: [{ key: 'form.email', label: 'Email', type: 'text', personal: true }, { key: 'form.is_optin', label: 'Opt-in', type: 'number', personal: false }] },
    { group: 'custom', title: 'Custom', description: '', fields: [{ key: 'custom', label: 'Constant value', type: 'text', personal: false }] },
  ],
};
const shape = (operator: string) => (operator === 'in_list' ? 'list' : operator === 'empty' ? 'none' : 'single') as 'list' | 'none' | 'single';

describe('export builder draft', () => {
  it('maps the two Start checkboxes to a scope and back', () => {
    expect([scopeOf(false, false), scopeOf(true, false), scopeOf(false, true), scopeOf(true, true)]).toEqual(['entries', 'participants', 'winners', 'winning_participants']);
  });

  it('writes only what differs from the defaults, conditions with the value shape of their operator', () => {
    const draft = emptyDraft();
    draft.name = '  Winners ';
    draft.flow = 'spring';
    draft.winnersOnly = true;
    const email = newDraftField(catalogue.groups[0]!.fields[0]!, 'form');
    email.column = 'EMAIL';
    email.filter = 'upper_case';
    const optin = newDraftField(catalogue.groups[0]!.fields[1]!, 'form');
    optin.minSize = 3;
    optin.padChar = '0';
    const brand = newDraftField(catalogue.groups[1]!.fields[0]!, 'custom', 'ACME');
    draft.fields.push(email, optin, brand);
    draft.conditions.push({ field: 'form.is_optin', operator: 'in_list', value: '1\n 2 \n\n' }, { field: 'form.email', operator: 'empty', value: 'ignored' });
    draft.trigger = { type: 'daily', time: '06:00', mode: 'all' };
    draft.destination = { kind: 'local', directory: 'out' };
    const definition = definitionOf(draft, shape);
    expect(definition).toEqual({
      name: 'Winners',
      source: { flow: 'spring' },
      scope: 'winners',
      fields: [
        { field: 'form.email', column: 'EMAIL', filter: 'upper_case' },
        { field: 'form.is_optin', minSize: 3, padChar: '0', padSide: 'left' },
        { field: 'custom', value: 'ACME' },
      ],
      conditions: [{ field: 'form.is_optin', operator: 'in_list', value: ['1', '2'] }, { field: 'form.email', operator: 'empty' }],
      format: { type: 'csv' },
      fileNamePattern: '{export}_{date:YYYYMMDD}_{run}',
      destination: { kind: 'local', directory: 'out' },
      trigger: { type: 'daily', time: '06:00', mode: 'all' },
    });
    // A preview needs no delivery, and a name even before one is typed.
    draft.name = '';
    const content = contentOf(draft, shape);
    expect(content.name).toBe('Untitled export');
    expect('destination' in content || 'trigger' in content).toBe(false);
  });

  it('reads a saved export back: scope flags, columns resolved against the catalogue, credentials only as set', () => {
    const saved: ExportSummary = {
      id: 'e', version: 2, nextRunAt: null, lastRun: null,
      definition: {
        name: 'Saved', source: { flow: 'spring' }, scope: 'winning_participants',
        fields: [{ field: 'form.email', column: 'MAIL' }, { field: 'external.pop.status' }],
        conditions: [{ field: 'form.is_optin', operator: 'in_list', value: ['1', '2'] }],
        format: { type: 'csv', delimiter: ';' }, fileNamePattern: '{export}',
        destination: { kind: 'sftp', host: 'h', passwordSet: true },
      },
    };
    const draft = draftOf(saved, catalogue);
    expect([draft.participantsOnly, draft.winnersOnly]).toEqual([true, true]);
    expect(draft.fields.map((f) => [f.column, f.label, f.group, f.type])).toEqual([['MAIL', 'Email', 'form', 'text'], ['external.pop.status', 'pop.status', 'external', 'text']]);
    expect(draft.conditions[0]!.value).toBe('1\n2');
    expect(draft.destination).toEqual({ kind: 'sftp', host: 'h' });
    expect([...draft.secretsSet]).toEqual(['password']);
    expect(draft.savedKind).toBe('sftp');
    expect(definitionOf(draft, shape).destination).toEqual({ kind: 'sftp', host: 'h' });
  });

  it('saves back every part of a definition it reads, whatever the console edits (table source, locale, manifest, GPG key, trigger)', () => {
    const definitions: ExportSummary['definition'][] = [
      {
        name: 'Consent log', source: { table: 'consents', flow: 'spring' },
        fields: [{ field: 'row.participant_ref', column: 'REF', minSize: 8, padChar: '0', padSide: 'left' }, { field: 'custom', value: 'X' }],
        format: { type: 'json', layout: 'ndjson' }, fileNamePattern: '{export}-{run}', locale: 'en', manifest: true,
        destination: { kind: 'local', directory: 'out' }, encryption: { publicKey: '-----BEGIN PGP PUBLIC KEY BLOCK-----' },
        trigger: { type: 'weekly', day: 'monday', time: '06:00' },
      },
      { name: 'Every consent', source: { table: 'consents' }, fields: [{ field: 'row.id' }], format: { type: 'csv' }, fileNamePattern: '{export}' },
      { name: 'Entries', source: { flow: 'spring' }, scope: 'entries', fields: [{ field: 'form.email', filter: 'upper_case', maxSize: 50 }], format: { type: 'csv' }, fileNamePattern: '{export}', locale: 'fr' },
    ];
    for (const definition of definitions) {
      const draft = draftOf({ id: 'e', version: 1, nextRunAt: null, lastRun: null, definition }, catalogue);
      expect(definitionOf(draft, shape)).toEqual(definition);
    }
  });

  it('places keys the catalogue does not list in their own section', () => {
    expect(findField(catalogue, 'variable.utm_source').group).toBe('variable');
    expect(findField(undefined, 'form.email')).toEqual({ info: { key: 'form.email', label: 'email', type: 'text', personal: false }, group: 'form' });
  });
});
