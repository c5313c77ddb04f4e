/**
 * Import directions of ../shared/DESIGN.md, checked by `npm test` (test/unit/import-directions.test.ts):
 *   core ← storage ← exporter ← runtime,  core ← modules ← runtime,  core ← widget ← runtime.
 * Only storage/ touches the database libraries; only runtime/ imports the module list.
 */
const LAYERS = '^(core|storage|modules|exporter|widget|runtime)/';
/** Tests may reach into any layer to set up what they check. */
const TESTS = '\\.test\\.ts$';

/**
 * A rule: the files of `folder` (tests aside) import, of our folders, only their own and `allowed`.
 * @returns {import('dependency-cruiser').IForbiddenRuleType}
 */
function onlyImports(name, folder, allowed, comment) {
  return {
    name,
    ...(comment && { comment }),
    severity: 'error',
    from: { path: `^${folder}/`, pathNot: TESTS },
    to: { path: LAYERS, pathNot: `^(${[...allowed, folder].join('|')})/` },
  };
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    onlyImports('core-imports-nothing-of-ours', 'core', [], 'core/ is the kernel: errors, clock, contracts. It imports no other folder of ours.'),
    onlyImports('storage-imports-core-only', 'storage', ['core']),
    onlyImports('modules-import-core-only', 'modules', ['core'], 'A module gets narrow capabilities through its context, never storage or runtime code.'),
    onlyImports('exporter-imports-core-and-storage', 'exporter', ['core', 'storage']),
    {
      name: 'widget-imports-the-chat-protocol-only',
      comment: 'widget/ is browser code: of ours it may only use the types of the wire (the chat protocol, the flow statistics report).',
      severity: 'error',
      from: { path: '^widget/', pathNot: TESTS },
      to: { path: LAYERS, pathNot: '^(widget/|core/chat-protocol\\.ts$|core/flow-stats-report\\.ts$)' },
    },
    {
      name: 'migrations-are-frozen',
      comment: 'A migration is frozen data: it imports kysely only, never live lists or code of ours.',
      severity: 'error',
      from: { path: '^storage/migrations/', pathNot: '^storage/migrations/index\\.ts$' },
      to: { path: LAYERS, pathNot: '^storage/migrations/' },
    },
    {
      name: 'module-list-only-in-runtime',
      comment: 'runtime/ builds the one registry from modules/index.ts.',
      severity: 'error',
      from: { path: LAYERS, pathNot: '^runtime/' },
      to: { path: '^modules/index\\.ts$' },
    },
    {
      name: 'database-libraries-only-in-storage',
      severity: 'error',
      from: { path: LAYERS, pathNot: '^storage/' },
      to: { dependencyTypesNot: ['type-only'], path: 'node_modules/(pg|pg-cursor|pg-boss|kysely|pg-copy-streams)/' },
    },
    {
      name: 'no-circular-between-files',
      severity: 'error',
      from: { path: LAYERS },
      to: { circular: true, dependencyTypesNot: ['type-only'], viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|node_modules)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], extensions: ['.ts', '.js', '.json'] },
  },
};
