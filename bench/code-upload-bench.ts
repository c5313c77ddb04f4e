/**
 * Streamed CSV code uploads (`POST …/codes/csv`) against a real server process: files of
 * BENCH_CODES_SMALL and BENCH_CODES codes (defaults 100,000 and 1,000,000), generated while they
 * are sent (nothing buffered on the client side), each into its own pool. Prints codes/s and the
 * server's resident memory sampled every 50 ms during each upload against its RSS before the
 * first one: when the body is streamed in bounded batches, the peak stays about the same for a
 * file ten times larger. The server runs with its V8 heap capped at BENCH_SERVER_HEAP_MB (default
 * 128): a server that kept the file in memory could not take the large one at all. The large
 * file is then sent once more GPG-encrypted to the workspace's key (encrypted here as it is sent):
 * the server decrypts it as it streams, so its peak should stay about the same.
 */
import { rssMb } from './support/process-memory.js';
import { Readable } from 'node:stream';
import { benchDatabase, printTable } from './support/bench-database.js';
import { startServerProcess } from '../test/support/server-process.js';
import { systemClock } from '../core/clock.js';
import { ModuleRegistry } from '../core/module-registry.js';
import { MODULES } from '../modules/index.js';
import { CAPABILITIES } from '../runtime/capabilities.js';
import { saveFlowDocument } from '../runtime/engine/flow-lifecycle.js';
import { issueApiKey } from '../storage/api-key-repository.js';
import { generateMasterKey } from '../storage/crypto/master-key.js';
import { openStorage } from '../storage/storage.js';
import { createWorkspace } from '../storage/workspace-repository.js';
import { encryptWithGpg } from '../exporter/encryption/gpg-encryption.js';

const LARGE = Number(process.env.BENCH_CODES ?? 1_000_000);
const SMALL = Math.min(LARGE, Number(process.env.BENCH_CODES_SMALL ?? 100_000));
const fmt = (n: number) => n.toLocaleString('en', { maximumFractionDigits: 0 });

/** `count` codes as CSV lines, made while they are read, 5,000 lines a chunk. */
async function* csvLines(count: number, prefix: string): AsyncGenerator<Buffer> {
  for (let at = 0; at < count; at += 5_000) {
    const lines = Array.from({ length: Math.min(5_000, count - at) }, (_, i) => `${prefix}-${String(at + i).padStart(8, '0')}\n`);
    yield Buffer.from(lines.join(''));
  }
}

const database = await benchDatabase();
const masterKey = generateMasterKey();
const HEAP_MB = Number(process.env.BENCH_SERVER_HEAP_MB ?? 128);
const server = await startServerProcess({
  databaseUrl: database.url,
  masterKey,
  extra: { PARLEY_CODE_UPLOAD_MAX_LINES: String(LARGE), NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=${HEAP_MB}`.trim() },
});
const storage = await openStorage({ connectionString: database.url, masterKey, clock: systemClock, schedule: false });
try {
  const workspace = await createWorkspace(storage, { name: 'Bench' });
  const deps = { storage, registry: new ModuleRegistry(MODULES), clock: systemClock, capabilities: CAPABILITIES };
  const steps = [{ id: 'reward', module: 'codes', config: { mode: 'distribute', text: 'Code {{code}}' } }];
  for (const slug of ['small', 'large', 'sealed']) await saveFlowDocument(deps, workspace, slug, { name: slug, steps });
  const { key } = await issueApiKey(storage.db, workspace.id, { name: 'bench' });
  const pid = server.child.pid!;
  const baseline = await rssMb(pid);

  const publicKey = ((await (await fetch(`${server.url}/api/v1/workspace/gpg-key`, { method: 'POST', headers: { authorization: `Bearer ${key}` } })).json()) as { publicKey: string }).publicKey;

  const upload = async (slug: string, count: number, encrypted = false) => {
    let peak = await rssMb(pid);
    const sampler = setInterval(() => void rssMb(pid).then((mb) => (peak = Math.max(peak, mb)), () => undefined), 50);
    const began = performance.now();
    const response = await fetch(`${server.url}/api/v1/flows/${slug}/steps/reward/codes/csv`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
      body: Readable.toWeb(encrypted ? await encryptWithGpg(Readable.from(csvLines(count, slug)), publicKey) : Readable.from(csvLines(count, slug))) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    const result = (await response.json()) as { added?: number };
    const seconds = (performance.now() - began) / 1000;
    clearInterval(sampler);
    if (result.added !== count) throw new Error(`${slug}: ${JSON.stringify(result)}`);
    return { seconds, rate: count / seconds, peak };
  };
  const small = await upload('small', SMALL);
  const large = await upload('large', LARGE);
  const sealed = await upload('sealed', LARGE, true);
  const growth = (peak: number) => peak - baseline;
  printTable(`streamed CSV code uploads (server heap capped at ${HEAP_MB} MB; RSS before: ${baseline.toFixed(0)} MB)`, [
    [`${fmt(SMALL)} codes`, `${fmt(small.rate)} codes/s (${small.seconds.toFixed(1)} s), peak RSS ${small.peak.toFixed(0)} MB (+${growth(small.peak).toFixed(0)} MB)`],
    [`${fmt(LARGE)} codes`, `${fmt(large.rate)} codes/s (${large.seconds.toFixed(1)} s), peak RSS ${large.peak.toFixed(0)} MB (+${growth(large.peak).toFixed(0)} MB)`],
    [`${fmt(LARGE)} codes, GPG-encrypted`, `${fmt(sealed.rate)} codes/s (${sealed.seconds.toFixed(1)} s), peak RSS ${sealed.peak.toFixed(0)} MB (+${growth(sealed.peak).toFixed(0)} MB)`],
  ]);
  process.stdout.write(`RESULT code_upload_codes_per_s=${large.rate.toFixed(0)}\n`);
  process.stdout.write(`RESULT code_upload_rss_growth_mb_small=${growth(small.peak).toFixed(1)}\n`);
  process.stdout.write(`RESULT code_upload_rss_growth_mb_large=${growth(large.peak).toFixed(1)}\n`);
  process.stdout.write(`RESULT code_upload_gpg_codes_per_s=${sealed.rate.toFixed(0)}\n`);
  process.stdout.write(`RESULT code_upload_gpg_rss_growth_mb=${growth(sealed.peak).toFixed(1)}\n`);
} finally {
  await storage.close();
  await server.stop();
  await database.close();
}
