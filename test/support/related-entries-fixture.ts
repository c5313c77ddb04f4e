import { sql } from 'kysely';
import type { Db } from '../../storage/database.js';
import type { Keyring } from '../../storage/crypto/keyring.js';

/**
 * A flow whose entries have related rows in every table the field catalogue reads beside an
 * entry: the email (variables, by email capture), a text answer (variables), the consent, the
 * code handed out, and the winners row of a draw.
 */
export const RELATED_FLOW = {
  name: 'Related',
  steps: [
    { id: 'email', module: 'email-capture', config: { question: 'Email?' }, next: 'colour' },
    { id: 'colour', module: 'text-question', config: { question: 'Favourite colour?', variable: 'colour' }, next: 'optin' },
    { id: 'optin', module: 'consent', config: { label: 'Send me news' }, next: 'draw' },
    { id: 'draw', module: 'giveaway', config: { frequency: 'unlimited' } },
  ],
};

/** An export of 8 fields with 5 filters, 5 of its fields read from related tables. */
export const RELATED_FIELDS_EXPORT = {
  name: 'Related export',
  source: { flow: 'related' },
  fields: [
    { field: 'form.contest_entry_hash_id', column: 'ID', filter: 'lower_case' },
    { field: 'form.created_at', column: 'DATE', filter: 'date_ddmmyyyy' },
    { field: 'form.email', column: 'EMAIL', filter: 'upper_case' },
    { field: 'form.colour', column: 'COLOUR', filter: 'collapse_spaces' },
    { field: 'form.is_optin', column: 'OPTIN' },
    { field: 'gift.title', column: 'GIFT' },
    { field: 'gift.code', column: 'CODE' },
    { field: 'device.country', column: 'COUNTRY', filter: 'country_name' },
  ],
  format: { type: 'csv' },
  fileNamePattern: '{export}-{run}',
} as const;

/** Entry `g`'s participant: every fifth entry is the previous entry's participant coming back (same email, new session). */
export const subjectOf = (g: number): number => (g % 5 === 0 ? g - 1 : g);
export const emailOf = (g: number): string => `user${subjectOf(g)}@example.org`;
export const colourOf = (g: number): string => ` colour   ${g % 7} `;
export const isWinner = (g: number): boolean => g % 10 === 4;
export const optInOf = (g: number): number => (g % 3 === 0 ? 0 : 1);

const CHUNK = 20_000;

/**
 * Entries `first`..`first + count - 1` of a flow, `spacing` seconds apart from `start`, written the way
 * the modules write them: a participation (email encrypted, subject hash), and in its session an
 * email row and a text answer in variables, a consent, a code and, for every tenth, a winners row.
 * Subject hashes are stand-ins (sha256 of the participant number): they only have to tie rows.
 * Session ids are time-ordered, as the engine's are.
 */
export async function insertRelatedEntries(
  db: Db,
  keyring: Keyring,
  input: { workspaceId: string; flowId: string; first?: number; count: number; start: Date; /** Seconds between entries (default 1). */ spacing?: number },
): Promise<void> {
  const spacing = input.spacing ?? 1;
  const first = input.first ?? 1;
  const last = first + input.count - 1;
  for (let from = first; from <= last; from += CHUNK) {
    const to = Math.min(last, from + CHUNK - 1);
    const emails: Buffer[] = [];
    const colours: Buffer[] = [];
    for (let g = from; g <= to; g += 1) {
      emails.push(await keyring.encryptJson(input.workspaceId, { email: emailOf(g) }));
      colours.push(await keyring.encryptJson(input.workspaceId, { colour: colourOf(g) }));
    }
    const rows = sql`select ${from}::int + (i - 1)::int as g, email, colour from unnest(${emails}::bytea[], ${colours}::bytea[]) with ordinality as u(email, colour, i)`;
    // Time-ordered like the engine's uuid v7 session ids: a batch of entries (oldest first) finds its
    // sessions' rows side by side in the session indexes, as it would in production.
    const random = sql`md5(${input.flowId}::text || ':' || r.g)`;
    const session = sql`(lpad(to_hex(floor(extract(epoch from ${input.start}::timestamptz + r.g * ${spacing} * interval '1 second') * 1000)::bigint), 12, '0')
      || '7' || substr(${random}, 1, 3) || '8' || substr(${random}, 4, 15))::uuid`;
    const subject = sql`sha256(convert_to(${input.flowId}::text || ':' || (case when r.g % 5 = 0 then r.g - 1 else r.g end), 'UTF8'))`;
    const at = (seconds: number) => sql`${input.start}::timestamptz + (r.g * ${spacing} * 10 + ${seconds}) * interval '100 milliseconds'`;
    const envelope = (seconds: number) => sql`${input.workspaceId}::uuid, ${input.flowId}::uuid, ${session}, 'P' || lpad(r.g::text, 9, '0'), 60, ${at(seconds)}, ${at(seconds)} + interval '60 days'`;
    const columns = sql`(id, workspace_id, flow_id, session_id, participant_ref, default_retention_days, created_at, expires_at, subject_hash, module_id, step_id, data, personal)`;
    await sql`insert into store_variables ${columns} select gen_random_uuid(), ${envelope(1)}, ${subject}, 'email-capture', 'email', '{"variable":"email"}', r.email from (${rows}) r`.execute(db);
    await sql`insert into store_variables ${columns} select gen_random_uuid(), ${envelope(2)}, null, 'text-question', 'colour', '{"variable":"colour"}', r.colour from (${rows}) r`.execute(db);
    await sql`insert into store_consents ${columns} select gen_random_uuid(), ${envelope(3)}, ${subject}, 'consent', 'optin',
      jsonb_build_object('is_optin', case when r.g % 3 = 0 then 0 else 1 end, 'step_id', 'optin', 'double_opt_in', false), r.email from (${rows}) r`.execute(db);
    await sql`insert into store_participations ${columns} select gen_random_uuid(), ${envelope(5)}, ${subject}, 'giveaway', 'draw',
      jsonb_build_object('giveaway', 'draw', 'frequency', 'unlimited', 'chrono', r.g % 600,
        'device', jsonb_build_object('mobile', r.g % 2 = 0, 'browser', 'Firefox', 'platform', 'Linux', 'country', 'fr', 'screenWidth', 1280, 'screenHeight', 800, 'originUrl', 'https://shop.example/landing')),
      r.email from (${rows}) r`.execute(db);
    await sql`insert into store_codes ${columns} select gen_random_uuid(), ${envelope(6)}, ${subject}, 'codes', 'code',
      jsonb_build_object('pool', 'code', 'mode', 'distribute', 'code', 'CODE-' || r.g), null from (${rows}) r`.execute(db);
    await sql`insert into store_winners ${columns} select gen_random_uuid(), ${envelope(7)}, ${subject}, 'giveaway', 'draw',
      '{"prizeId":"mug","prizeTitle":"Mug","source":"giveaway-draw"}', r.email from (${rows}) r where r.g % 10 = 4`.execute(db);
  }
  for (const table of ['participations', 'variables', 'consents', 'codes', 'winners']) await sql`analyze ${sql.table(`store_${table}`)}`.execute(db);
}

/**
 * The cells the related-fields export must produce for entry `g` of `first`..`last`. An entry
 * sees the rows of its session and every row carrying its subject hash, so a participant who came
 * back shares the subject's rows with their earlier entry. Values come from the latest row that
 * has one, except the code handed out, which is the first one (the catalogue's `gift.code`).
 */
export function expectedRelatedCells(g: number, range: { first: number; last: number }, date: string): string[] {
  const sameSubject = [g - 1, g, g + 1].filter((h) => h >= range.first && h <= range.last && subjectOf(h) === subjectOf(g));
  const latest = Math.max(...sameSubject);
  const earliest = Math.min(...sameSubject);
  const won = sameSubject.some(isWinner);
  const colour = colourOf(g).trim().replace(/\s+/g, ' ');
  return [`p${String(g).padStart(9, '0')}`, date, emailOf(g).toUpperCase(), colour, String(optInOf(latest)), won ? 'Mug' : '', `CODE-${earliest}`, 'France'];
}

/**
 * Adds `count` more text answers to every entry of the flow (variables `extra_1`…, sealed as a
 * module seals them): the questions of a flow that an export does not select.
 */
export async function insertUnreadAnswers(db: Db, keyring: Keyring, input: { workspaceId: string; flowId: string; count: number }): Promise<void> {
  for (let n = 1; n <= input.count; n += 1) {
    const variable = `extra_${n}`;
    const sealed = await keyring.encryptJson(input.workspaceId, { [variable]: `answer ${n}` });
    await sql`insert into store_variables (id, workspace_id, flow_id, session_id, participant_ref, default_retention_days, created_at, expires_at, module_id, step_id, data, personal)
      select gen_random_uuid(), workspace_id, flow_id, session_id, participant_ref, default_retention_days, created_at + ${n} * interval '1 millisecond', expires_at,
        'text-question', ${variable}, jsonb_build_object('variable', ${variable}::text), ${sealed}
      from store_variables where workspace_id = ${input.workspaceId} and flow_id = ${input.flowId} and data->>'variable' = 'colour'`.execute(db);
  }
  await sql`analyze store_variables`.execute(db);
}
