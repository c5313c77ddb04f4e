import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { flowSetup, saveTestFlow } from '../support/flow-harness.js';
import { runCli } from '../../runtime/cli/run-cli.js';
import { issueApiKey } from '../../storage/api-key-repository.js';
import { drawGiveawayWinners } from '../../storage/giveaway-draw-repository.js';

let storage: TestStorage;
beforeAll(async () => {
  storage = await createTestStorage({ start: new Date('2025-02-03T10:00:00Z') });
});
afterAll(async () => storage.destroy());

/**
 * Runs `parley` in this process. `debug` (PARLEY_DEBUG) adds the stack and causes to a failure
 * line: for runs expected to succeed, so an unexpected failure explains itself in the assertion.
 */
async function cli(argv: string[], options: { debug?: boolean } = {}) {
  let out = '';
  let err = '';
  const env = { DATABASE_URL: storage.url, PARLEY_MASTER_KEY: storage.masterKey, LOG_LEVEL: 'silent', ...(options.debug && { PARLEY_DEBUG: '1' }) };
  const code = await runCli(argv, { env, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

describe('parley draw verify', () => {
  it('says a real draw matches (exit 0) and a tampered one does not (exit 3)', async () => {
    const { workspace, visitor } = await flowSetup(storage);
    const flow = await saveTestFlow(storage, workspace, 'raffle', {
      name: 'Raffle',
      steps: [
        { id: 'email', module: 'email-capture', config: { question: 'Your email?' }, next: 'entry' },
        { id: 'entry', module: 'giveaway', config: {} },
      ],
    });
    for (const email of ['a@example.org', 'b@example.org', 'c@example.org', 'd@example.org']) {
      storage.clock.advance(1000);
      const v = visitor('raffle');
      await v.start();
      await v.answer(email);
    }
    const key = await issueApiKey(storage.db, workspace.id, { name: 'cli' });
    const draw = await drawGiveawayWinners(storage, { workspaceId: workspace.id, flowId: flow.id, moduleId: 'giveaway', count: 2, now: storage.clock.now(), drawnBy: key.id });
    const args = ['draw', 'verify', '--workspace', workspace.id, '--flow', 'raffle', '--draw', draw.drawId];

    // Whole results are compared, so a failure shows the exit code, stderr and stdout together.
    const ok = await cli(args, { debug: true });
    expect(ok).toEqual({ code: 0, err: '', out: expect.stringMatching(/the draw matches\n$/) });
    expect(ok.out).toContain('commitment\tok\nselection\tok\npool\tok\nwinners\tok\n');
    expect(ok.out).toContain(`seed\t${draw.seed!.seed}`);
    expect(ok.out).not.toContain('@example.org');

    // The recorded ranks swapped: the seed gives the two winners in the other order. (Changing the
    // participant count instead was flaky: the seed can give the same positions among 5 as among 4.)
    await sql`update giveaway_draws set winner_positions = array[winner_positions[2], winner_positions[1]] where id = ${draw.drawId}`.execute(storage.db);
    const tampered = await cli(args, { debug: true });
    expect(tampered).toEqual({ code: 3, err: '', out: expect.stringMatching(/the draw does NOT match\n$/) });
    expect(tampered.out).toContain('selection\tfailed');

    const unknown = await cli(['draw', 'verify', '--workspace', workspace.id, '--flow', 'raffle', '--draw', '00000000-0000-4000-8000-000000000000']);
    expect(unknown).toEqual({ code: 1, out: '', err: 'parley: --draw: no such draw in this flow\n' });
    const noFlow = await cli(['draw', 'verify', '--workspace', workspace.id, '--flow', 'nope', '--draw', draw.drawId]);
    expect(noFlow).toEqual({ code: 1, out: '', err: 'parley: --flow: no such flow in this workspace\n' });
  });
});
