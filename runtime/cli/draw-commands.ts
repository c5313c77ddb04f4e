import { defineCommand, requireId } from './cli-command.js';
import { ParleyError } from '../../core/errors.js';

/** Exit code of `parley draw verify` when the draw does not match (1 stays "the command failed"). */
export const DRAW_MISMATCH_EXIT = 3;

/**
 * `parley draw verify --workspace ID --flow SLUG --draw ID`: replays a recorded giveaway draw
 * (seed against its commitment, winners recomputed from seed and pool digest, pool rebuilt as of
 * the draw, winners rows) and prints each check; exit 0 when it matches, 3 when it does not.
 */
export const drawVerifyCommand = defineCommand({
  name: 'draw verify',
  summary: 'Replay a giveaway draw and say whether it matches (exit 0) or not (exit 3)',
  details: 'Checks the revealed seed against its published commitment, recomputes the winners from the seed and the pool digest, rebuilds the pool as of the draw and compares the winners rows.',
  options: {
    workspace: { type: 'string', value: 'ID', help: 'the workspace', required: true },
    flow: { type: 'string', value: 'SLUG', help: 'the flow id', required: true },
    draw: { type: 'string', value: 'ID', help: 'the draw', required: true },
  },
  async run(options, context) {
    const workspaceId = requireId(options.workspace, '--workspace');
    const drawId = requireId(options.draw, '--draw');
    const storage = await context.storage();
    const [{ getFlow }, { replayGiveawayDraw }, { drawModule }, { ModuleRegistry }, { MODULES }] = await Promise.all([
      import('../../storage/flow-repository.js'),
      import('../../storage/giveaway-draw-replay.js'),
      import('../draw-steps.js'),
      import('../../core/module-registry.js'),
      import('../../modules/index.js'),
    ]);
    const flow = await getFlow(storage.db, workspaceId, options.flow);
    if (!flow) throw new ParleyError('not_found', 'no such flow in this workspace', { path: '--flow' });
    const moduleId = drawModule(flow, new ModuleRegistry(MODULES), null);
    const replay = await replayGiveawayDraw(storage.db, { workspaceId, flowId: flow.id, moduleId }, drawId);
    if (!replay) throw new ParleyError('not_found', 'no such draw in this flow', { path: '--draw' });
    for (const [check, outcome] of Object.entries(replay.checks)) context.stdout.write(`${check}\t${outcome}\n`);
    context.stdout.write(`seed\t${replay.draw.seed?.toString('hex') ?? '-'}\ncommitment\t${replay.draw.seedCommitment ?? '-'}\npool digest\t${replay.draw.poolDigest}\n`);
    context.stdout.write(replay.matches ? 'the draw matches\n' : 'the draw does NOT match\n');
    return replay.matches ? 0 : DRAW_MISMATCH_EXIT;
  },
});
