import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { runParley } from '../../test/support/cli-process.js';
import type { Storage } from '../../storage/storage.js';
import { median } from './latency.js';

/** What `parley export render|run --stats` printed: rows, seconds of the export itself, peak RSS of the process. */
export interface ExportFigures {
  readonly rows: number;
  readonly seconds: number;
  readonly maxRssMb: number;
  readonly rate: number;
}

/** Runs `parley export render` (or `run`, through its destination) in a fresh process, as an operator would. */
export async function exportFigures(
  command: 'render' | 'run',
  input: { workspaceId: string; exportId: string; dir: string; databaseUrl: string; masterKey: string; nodeOptions?: string[] },
): Promise<ExportFigures> {
  const out = command === 'render' ? ['--out', path.join(input.dir, `${input.exportId}.out`)] : [];
  const result = await runParley(['export', command, '--workspace', input.workspaceId, '--export', input.exportId, ...out, '--stats'], {
    databaseUrl: input.databaseUrl,
    masterKey: input.masterKey,
    dataDir: input.dir,
    ...(input.nodeOptions && { nodeOptions: input.nodeOptions }),
  });
  if (result.code !== 0) throw new Error(`parley export ${command} failed: ${result.stderr}${result.stdout}`);
  const figures = JSON.parse(result.stdout.trim().split('\n').pop()!) as Omit<ExportFigures, 'rate'>;
  return { ...figures, rate: figures.rows / figures.seconds };
}

/** Rows/s of PostgreSQL's `COPY (query) TO STDOUT (FORMAT csv)`, counted as lines received. */
export async function copyRate(databaseUrl: string, query: string): Promise<{ rows: number; seconds: number; rate: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const began = performance.now();
    let rows = 0;
    await pipeline(
      client.query(copyTo(`copy (${query}) to stdout (format csv)`)),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) rows += 1;
          done();
        },
      }),
    );
    const seconds = (performance.now() - began) / 1000;
    return { rows, seconds, rate: rows / seconds };
  } finally {
    await client.end();
  }
}

/** The participation rows of a flow, with the 5-filter export's fields (the issue's COPY). */
export function copyEntriesSql(workspaceId: string, flowId: string): string {
  return `select participant_ref, created_at, data->'device'->>'country', data->'device'->>'browser', data->'device'->>'mobile', data->>'chrono', data->'device'->>'originUrl'
    from store_participations where workspace_id = '${workspaceId}' and flow_id = '${flowId}' and expires_at > now() order by created_at, id`;
}

/**
 * The same rows as the related-fields export, joined in SQL: each entry with the latest email
 * and answer (still encrypted, as bytes), consent, win and code of its session or subject.
 */
export function copyJoinedSql(workspaceId: string, flowId: string): string {
  const latest = (table: string, value: string, where = 'true') => `(select ${value} from ${table} x where x.workspace_id = p.workspace_id and x.flow_id = p.flow_id
      and x.expires_at > now() and (x.session_id = p.session_id or x.subject_hash = p.subject_hash) and ${where} order by x.created_at desc, x.id desc limit 1)`;
  return `select p.participant_ref, p.created_at,
      ${latest('store_variables', 'x.personal', `x.data->>'variable' = 'email'`)}, ${latest('store_variables', 'x.personal', `x.data->>'variable' = 'colour'`)},
      ${latest('store_consents', `x.data->>'is_optin'`)}, ${latest('store_winners', `x.data->>'prizeTitle'`)}, ${latest('store_codes', `x.data->>'code'`)},
      p.data->'device'->>'country'
    from store_participations p where p.workspace_id = '${workspaceId}' and p.flow_id = '${flowId}' and p.expires_at > now() order by p.created_at, p.id`;
}

/** The stores the related-fields export reads beside each entry (email and answer, consent, win, code). */
const RELATED_STORES = ['store_variables', 'store_consents', 'store_winners', 'store_codes'];

/**
 * The live rows of those stores for a flow, with the columns an export reads of a related row
 * (`id, data, personal`), in no order and joined to nothing: what any export of related fields
 * has to get out of PostgreSQL beside the entries, at the least cost PostgreSQL can send it.
 */
export function copyRelatedSql(workspaceId: string, flowId: string): string {
  return RELATED_STORES.map((table) => `select id, data, personal from ${table} where workspace_id = '${workspaceId}' and flow_id = '${flowId}' and expires_at > now()`).join(' union all ');
}

/**
 * Sealed values opened per second on one thread: a sample of the flow's stored emails and
 * answers (read first), opened as an export opens them (the workspace's decryptor, a batch of
 * 500 at a time as an export's batch of related rows, JSON parsed), median of three passes. An
 * export runs on one thread, so one that reads two such values per entry cannot go faster than
 * half this rate, whatever else it does.
 */
export async function openRate(storage: Pick<Storage, 'pool' | 'keyring'>, workspaceId: string, flowId: string, sample = 200_000): Promise<number> {
  const result = await storage.pool.query<{ personal: Buffer }>(
    `select personal from store_variables where workspace_id = $1 and flow_id = $2 and personal is not null limit $3`,
    [workspaceId, flowId, sample],
  );
  const values = result.rows.map((row) => row.personal);
  const open = await storage.keyring.jsonOpener<Record<string, unknown>>(workspaceId);
  const rates: number[] = [];
  for (let pass = 0; pass < 3; pass += 1) {
    const began = performance.now();
    let keys = 0;
    for (let at = 0; at < values.length; at += 500) for (const opened of open.all(values.slice(at, at + 500))) keys += Object.keys(opened).length;
    if (keys !== values.length) throw new Error(`opened ${keys} values of ${values.length}`);
    rates.push(values.length / ((performance.now() - began) / 1000));
  }
  return median(rates);
}
