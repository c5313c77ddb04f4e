import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryFixture, type DeliveryFixture } from '../../support/delivery-fixture.js';

let fixture: DeliveryFixture;
let exportId: string;

/** Monday 14 September 2026, 12:00 in Europe/Paris (UTC+2): the daily run at 06:00 has already happened today. */
const NOON = new Date('2026-09-14T10:00:00Z');
/** Paris calendar days as UTC instants. */
const SEPT_13 = '2026-09-12T22:00:00.000Z';
const SEPT_14 = '2026-09-13T22:00:00.000Z';
const SEPT_15 = '2026-09-14T22:00:00.000Z';

beforeAll(async () => {
  fixture = await startDeliveryFixture({ start: new Date('2026-09-14T06:00:00Z') });
  const created = await fixture.createExport({
    name: 'Daily leads',
    source: { flow: 'spring' },
    fields: [{ field: 'form.email', column: 'EMAIL' }, { field: 'form.nickname', column: 'NICK' }],
    format: { type: 'csv' },
    fileNamePattern: '{export}-{run}',
    destination: { kind: 'local', directory: 'manual' },
    trigger: { type: 'daily', time: '06:00', mode: 'previous_day' },
  });
  exportId = created.id;
  // Three participants today, all after this morning's 06:00 run.
  for (const [at, email, nick] of [['2026-09-14T08:00:00Z', 'ann@example.org', 'Ann'], ['2026-09-14T09:00:00Z', 'bob@example.org', 'Bob'], ['2026-09-14T09:30:00Z', 'cy@example.org', 'Cy']] as const) {
    fixture.storage.clock.set(new Date(at));
    await fixture.play(email, nick);
  }
  fixture.storage.clock.set(NOON);
});
afterAll(async () => {
  await fixture?.close();
});

/** Starts a manual run (with `body`, if any), waits for it, and returns the response, the run and the file's rows. */
async function manualRun(body?: unknown) {
  const started = await fixture.call('POST', `/exports/${exportId}/runs`, body);
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const run = await fixture.waitForRun(exportId, started.body.id);
  expect(run.status).toBe('succeeded');
  const rows = parse(await readFile(path.join(fixture.dataDir, 'exports', 'manual', run.fileName!)), { columns: true }) as Array<Record<string, string>>;
  return { started: started.body, run, rows };
}

const sorted = (rows: Array<Record<string, string>>) => rows.map((r) => `${r.EMAIL},${r.NICK}`).sort();

describe('a manual run of a daily previous_day export', () => {
  it('by default exports the window the trigger would use next (today, after today\'s run), says so, and delivers the rows the preview shows', async () => {
    const preview = await fixture.call('POST', `/exports/${exportId}/preview`, {});
    expect(preview.status).toBe(200);
    expect(preview.body.rows).toHaveLength(3);

    const { started, run, rows } = await manualRun();
    expect(started.window).toEqual({ from: SEPT_14, to: SEPT_15 });
    expect(run.rows).toBe(3);
    expect(sorted(rows)).toEqual(preview.body.rows.map((cells: string[]) => cells.join(',')).sort());
    // The history keeps the window each run exported.
    const history = await fixture.call('GET', `/exports/${exportId}/runs`);
    expect(history.body.runs[0]).toMatchObject({ id: started.id, window: { from: SEPT_14, to: SEPT_15 }, rows: 3 });
  });

  it('before the day\'s run time, the next run exports yesterday: so does a manual run', async () => {
    fixture.storage.clock.set(new Date('2026-09-15T03:00:00Z')); // 05:00 in Paris on the 15th
    const { started, rows } = await manualRun();
    expect(started.window).toEqual({ from: SEPT_14, to: SEPT_15 });
    expect(sorted(rows)).toEqual(['ann@example.org,Ann', 'bob@example.org,Bob', 'cy@example.org,Cy']);
    fixture.storage.clock.set(NOON);
  });

  it('exports the window the caller chooses, and states it', async () => {
    const empty = await manualRun({ window: { from: SEPT_13, to: SEPT_14 } });
    expect(empty.started.window).toEqual({ from: SEPT_13, to: SEPT_14 });
    expect(empty.run.rows).toBe(0);
    const morning = await manualRun({ window: { from: SEPT_14, to: '2026-09-14T08:30:00.000Z' } });
    expect(morning.started.window).toEqual({ from: SEPT_14, to: '2026-09-14T08:30:00.000Z' });
    expect(sorted(morning.rows)).toEqual(['ann@example.org,Ann']);
  });

  it('refuses a window that ends before it starts, and an unknown property, with the JSON path', async () => {
    const backwards = await fixture.call('POST', `/exports/${exportId}/runs`, { window: { from: SEPT_15, to: SEPT_14 } });
    expect(backwards.status).toBe(400);
    expect(backwards.body.error).toMatchObject({ code: 'validation_failed', path: '/window/to' });
    const unknown = await fixture.call('POST', `/exports/${exportId}/runs`, { window: { to: SEPT_14, until: SEPT_15 } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.code).toBe('validation_failed');
  });
});
