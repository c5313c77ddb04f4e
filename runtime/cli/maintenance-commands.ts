import { defineCommand, UsageError } from './cli-command.js';

// What the commands run is imported inside run(), so that `parley --help` loads none of it.

export const migrateCommand = defineCommand({
  name: 'migrate',
  summary: 'Apply pending database migrations',
  options: {},
  async run(_options, context) {
    const [{ openDatabase }, { migrateToLatest }] = await Promise.all([import('../../storage/database.js'), import('../../storage/migrator.js')]);
    const handle = openDatabase(await context.databaseUrl(), { max: 1 });
    try {
      const applied = await migrateToLatest(handle.db);
      context.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'database is up to date\n');
    } finally {
      await handle.close();
    }
    return 0;
  },
});

export const sweepCommand = defineCommand({
  name: 'sweep',
  summary: 'Delete expired rows now (once), table by table, after rolling flow statistics up',
  details: 'The server also sweeps on its own schedule (PARLEY_SWEEP_CRON). Flow statistics are rolled up first, so their counts outlive the rows. Files delivered to local destinations longer ago than PARLEY_EXPORT_FILE_DAYS are removed too.',
  options: {
    'batch-size': { type: 'string', value: 'N', help: 'rows deleted per batch (default: PARLEY_SWEEP_BATCH, 5000)' },
  },
  async run(options, context) {
    const text = options['batch-size'];
    const size = text === undefined ? context.config.sweepBatchSize : Number(text);
    if (!/^\d+$/.test(text ?? '1') || !Number.isSafeInteger(size) || size < 1) throw new UsageError('must be a positive whole number', '--batch-size');
    const storage = await context.storage();
    const [{ rollUpThenSweep }, { rowStatisticSources }, { ModuleRegistry }, { MODULES }, { pruneExportFiles }, { localExportRoot }] = await Promise.all([
      import('../sweep-job.js'),
      import('../stats/flow-stats.js'),
      import('../../core/module-registry.js'),
      import('../../modules/index.js'),
      import('../export-file-pruning.js'),
      import('../../exporter/destinations/local-config.js'),
    ]);
    const sources = rowStatisticSources(new ModuleRegistry(MODULES));
    const { rollup, sweep } = await rollUpThenSweep(storage, { now: storage.clock.now(), batchSize: size, sources });
    for (const t of sweep.tables) context.stdout.write(`${t.table}\t${t.rowsDeleted} rows\t${t.batches} batches\t${t.durationMs} ms\n`);
    context.stdout.write(`total\t${sweep.rowsDeleted} rows\n`);
    context.stdout.write('failed' in rollup ? `statistics\trollup failed: ${rollup.failed}\n` : `statistics\t${rollup.sessions} sessions counted\n`);
    const files = await pruneExportFiles({ root: localExportRoot(context.config.dataDir), days: context.config.exportFileDays });
    context.stdout.write(files ? `export files\t${files.removed} removed\t${files.kept} kept\n` : 'export files\tkept (PARLEY_EXPORT_FILE_DAYS=0)\n');
    return 0;
  },
});
