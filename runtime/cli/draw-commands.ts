import { parseArgs } from 'node:util';
import { ParleyError } from '../errors.js';
import type { Storage } from '../../storage/storage.js';
import { getFlow } from '../../storage/flow-repository.js';
import { replayGiveawayDraw } from '../../storage/giveaway-draw-replay.js';

/** Exit code of `parley draw verify` when the draw does not match (1 stays "the command failed"). */
export const DRAW_MISMATCH_EXIT = 3;

interface Output {
  write(text: string): unknown;
}

/**
 * `parley draw verify --workspace ID --flow SLUG --draw ID`: replays a recorded giveaway draw
 * (seed against its commitment, winners recomputed from seed and pool digest, pool rebuilt as of
 * the draw, winners rows) and prints each check; exit 0 when it matches, 3 when it does not.
 */
export async function runDrawCommand(storage: Storage, sub: string | undefined, rest: string[], io: { stdout: Output; stderr: Output }): Promise<number> {
  if (sub !== 'verify') throw new ParleyError('bad_request', 'Unknown draw command; see parley --help');
  const { values } = parseArgs({ args: rest, options: { workspace: { type: 'string' }, flow: { type: 'string' }, draw: { type: 'string' } } });
  const workspaceId = id(values.workspace, '--workspace');
  const drawId = id(values.draw, '--draw');
  const flow = values.flow ? await getFlow(storage.db, workspaceId, values.flow) : undefined;
  if (!flow) throw new ParleyError('not_found', 'No such flow in this workspace', { path: '--flow' });
  const replay = await replayGiveawayDraw(storage.db, workspaceId, flow.id, drawId);
  if (!replay) throw new ParleyError('not_found', 'No such draw in this flow', { path: '--draw' });
  for (const [check, outcome] of Object.entries(replay.checks)) io.stdout.write(`${check}\t${outcome}\n`);
  io.stdout.write(`seed\t${replay.draw.seed?.toString('hex') ?? '-'}\ncommitment\t${replay.draw.seedCommitment ?? '-'}\npool digest\t${replay.draw.poolDigest}\n`);
  io.stdout.write(replay.matches ? 'the draw matches\n' : 'the draw does NOT match\n');
  return replay.matches ? 0 : DRAW_MISMATCH_EXIT;
}

function id(value: string | undefined, flag: string): string {
  if (!value || !/^[0-9a-f-]{36}$/i.test(value)) throw new ParleyError('bad_request', `${flag} must be an id`, { path: flag });
  return value;
}
