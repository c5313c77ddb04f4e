import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryFixture, type DeliveryFixture } from '../../support/delivery-fixture.js';

let fixture: DeliveryFixture;
const exportIds: Record<string, string> = {};

const MODES = ['previous_day', 'new_since_last_run', 'all'] as const;

/** Day 1 is Monday 14 September 2026 in Europe/Paris (UTC+2); runs are due at 02:30 local (00:30Z). */
const DAY = { 1: '2026-09-14', 2: '2026-09-15', 3: '2026-09-16', 4: '2026-09-17' } as const;

beforeAll(async () => {
  fixture = await startDeliveryFixture({ start: new Date(`${DAY[1]}T05:00:00Z`) });
  for (const mode of MODES) {
    const { id } = await fixture.createExport({
      name: mode,
      source: { flow: 'spring' },
      fields: [{ field: 'form.email', column: 'EMAIL' }, { field: 'form.nickname', column: 'NICK' }],
      format: { type: 'csv' },
      fileNamePattern: '{export}-{date:YYYY-MM-DD}',
      destination: { kind: 'local', directory: 'daily' },
      trigger: { type: 'daily', time: '02:30', mode },
    });
    exportIds[mode] = id;
  }
});

afterAll(async () => {
  await fixture?.close();
});

async function playAt(instant: string, email: string, nickname: string): Promise<void> {
  fixture.storage.clock.set(instant);
  await fixture.play(email, nickname);
}

/** Ticks at the day's 02:30 occurrence, waits until each mode's run has delivered, and returns each file's rows as EMAIL/NICK. */
async function runDay(day: keyof typeof DAY): Promise<Record<string, Array<Record<string, string>>>> {
  const at = new Date(`${DAY[day]}T00:30:00Z`);
  fixture.storage.clock.set(at);
  const queued = await fixture.server.exports.tick(at);
  expect(queued.map((run) => run.exportId).sort()).toEqual(Object.values(exportIds).sort());
  const files: Record<string, Array<Record<string, string>>> = {};
  for (const mode of MODES) {
    const run = await fixture.waitForRun(exportIds[mode]!, queued.find((r) => r.exportId === exportIds[mode])!.id);
    expect(run.status, mode).toBe('succeeded');
    expect(run.fileName).toBe(`${mode}-${DAY[day]}.csv`);
    const rows = parse(await readFile(path.join(fixture.dataDir, 'exports', 'daily', run.fileName!)), { columns: true }) as Array<Record<string, string>>;
    expect(run.rows, mode).toBe(rows.length);
    files[mode] = rows;
  }
  return files;
}

const byEmail = (rows: Array<Record<string, string>>) => [...rows].sort((a, b) => a.EMAIL!.localeCompare(b.EMAIL!));

describe('daily modes with a participant who returns on day 2', () => {
  it('day 2: every mode exports the participants of day 1 (a late local-evening entry included)', async () => {
    await playAt(`${DAY[1]}T08:00:00Z`, 'ann@example.org', 'Ann-day1');
    await playAt(`${DAY[1]}T09:00:00Z`, 'bob@example.org', 'Bob-day1');
    // 23:30 local on day 1 is still day 1 in Paris (21:30Z).
    await playAt(`${DAY[1]}T21:30:00Z`, 'dee@example.org', 'Dee-day1-late');
    const files = await runDay(2);
    const dayOne = [
      { EMAIL: 'ann@example.org', NICK: 'Ann-day1' },
      { EMAIL: 'bob@example.org', NICK: 'Bob-day1' },
      { EMAIL: 'dee@example.org', NICK: 'Dee-day1-late' },
    ];
    for (const mode of MODES) expect(byEmail(files[mode]!), mode).toEqual(dayOne);
  });

  it('day 3: previous_day and new_since_last_run export only the newcomers; all exports everyone with their latest data', async () => {
    // Eve's entry is stamped half a second before day 2's run and committed after that run read
    // (a turn still committing): day 2's new_since_last_run window ended a minute before its run,
    // so day 3's starts there and has her. It once started at the run's instant and never did.
    await playAt(`${DAY[2]}T00:29:59.500Z`, 'eve@example.org', 'Eve-late-commit');
    await playAt(`${DAY[2]}T08:00:00Z`, 'ann@example.org', 'Ann-day2'); // Ann returns
    await playAt(`${DAY[2]}T10:00:00Z`, 'cy@example.org', 'Cy-day2'); // Cy is new
    const files = await runDay(3);
    const newcomers = [{ EMAIL: 'cy@example.org', NICK: 'Cy-day2' }, { EMAIL: 'eve@example.org', NICK: 'Eve-late-commit' }];
    expect(byEmail(files.previous_day!)).toEqual(newcomers);
    expect(byEmail(files.new_since_last_run!)).toEqual(newcomers);
    expect(byEmail(files.all!)).toEqual([
      { EMAIL: 'ann@example.org', NICK: 'Ann-day2' },
      { EMAIL: 'bob@example.org', NICK: 'Bob-day1' },
      { EMAIL: 'cy@example.org', NICK: 'Cy-day2' },
      { EMAIL: 'dee@example.org', NICK: 'Dee-day1-late' },
      { EMAIL: 'eve@example.org', NICK: 'Eve-late-commit' },
    ]);
  });

  it('day 4 with nobody new: the two narrowing modes deliver an empty file, all still delivers everyone', async () => {
    const files = await runDay(4);
    expect(files.previous_day).toEqual([]);
    expect(files.new_since_last_run).toEqual([]);
    expect(files.all).toHaveLength(5);
  });
});
