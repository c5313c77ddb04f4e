import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';

/**
 * `count` giveaway participations of one flow, written in one statement the way the runtime
 * writes them (device facts and time spent in `data`), one day apart per 100,000 rows.
 */
export async function insertParticipations(db: Db, input: { workspaceId: string; flowId: string; count: number; start: Date }): Promise<void> {
  await sql`
    insert into store_participations
      (id, workspace_id, flow_id, session_id, participant_ref, module_id, step_id, default_retention_days, created_at, expires_at, data)
    select gen_random_uuid(), ${input.workspaceId}, ${input.flowId}, gen_random_uuid(), 'P' || lpad(g::text, 9, '0'), 'giveaway', 'draw', 60,
      ${input.start}::timestamptz + g * interval '1 second', ${input.start}::timestamptz + g * interval '1 second' + interval '60 days',
      jsonb_build_object(
        'giveaway', 'draw', 'frequency', 'unlimited', 'chrono', g % 600,
        'device', jsonb_build_object('mobile', g % 2 = 0, 'browser', 'Firefox', 'platform', 'Linux', 'country', 'fr', 'screenWidth', 1280, 'screenHeight', 800,
          'originUrl', 'https://shop.example/landing'))
    from generate_series(1, ${input.count}) g`.execute(db);
  await sql`analyze store_participations`.execute(db);
}

/** A flow export definition with 5 filters over non-personal fields (as in the benchmark). */
export const FIVE_FILTER_EXPORT = {
  name: 'Bench export',
  source: { flow: 'bench' },
  fields: [
    { field: 'form.contest_entry_hash_id', column: 'ID', filter: 'lower_case' },
    { field: 'form.created_at', column: 'DATE', filter: 'date_ddmmyyyy' },
    { field: 'device.country', column: 'COUNTRY', filter: 'country_name' },
    { field: 'device.browser', column: 'BROWSER', filter: 'upper_case' },
    { field: 'device.mobile', column: 'MOBILE', filter: 'true_false' },
    { field: 'operation.chrono', column: 'CHRONO', minSize: 4, padChar: '0' },
    { field: 'device.origin_url', column: 'URL' },
  ],
  format: { type: 'csv' },
  fileNamePattern: '{export}-{run}',
} as const;

export const BENCH_FLOW = {
  name: 'Bench',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } },
  ],
};
