import { defineCommand } from './cli-command.js';
import { ParleyError } from '../../core/errors.js';

// What the commands run is imported inside run(), so that `parley --help` loads none of it.
const rotation = () => import('../../storage/crypto/master-key-rotation.js');

const ROTATION_STEPS =
  'To rotate the master key: give every process the new key as PARLEY_MASTER_KEY and the old one in PARLEY_PREVIOUS_MASTER_KEYS (comma-separated), ' +
  'restart them, run `parley master-key rewrap` with the same two variables, check `parley master-key status`, then remove PARLEY_PREVIOUS_MASTER_KEYS and restart again.';

export const masterKeyStatusCommand = defineCommand({
  name: 'master-key status',
  summary: "Count the workspaces' data keys each master key wraps",
  details: `Lines: the master key's id (an HMAC of the key, which says nothing of it), its role (current: PARLEY_MASTER_KEY; previous: one of PARLEY_PREVIOUS_MASTER_KEYS; not configured) and how many data keys it wraps; then the destroyed data keys (crypto-shredded workspaces). ${ROTATION_STEPS}`,
  options: {},
  async run(_options, context) {
    const storage = await context.storage();
    const { masterKeyStatus } = await rotation();
    const keys = storage.keyring.masterKeys;
    const status = await masterKeyStatus(storage.db, keys);
    const role = (id: string) => (id === keys.currentId ? 'current' : keys.ids.includes(id) ? 'previous' : id === 'unknown' ? 'opened by no configured key' : 'not configured');
    // The configured keys first, then the others that wrap keys by id, and last the keys none opens.
    const others = [...status.wrappedBy.keys()].filter((id) => !keys.ids.includes(id) && id !== 'unknown').sort();
    const ids = [...keys.ids, ...others, ...(status.wrappedBy.has('unknown') ? ['unknown'] : [])];
    for (const id of ids) context.stdout.write(`${id}\t${role(id)}\t${status.wrappedBy.get(id) ?? 0} data keys\n`);
    context.stdout.write(`destroyed\t${status.destroyed} data keys\n`);
    const elsewhere = [...status.wrappedBy].filter(([id]) => id !== keys.currentId).reduce((sum, [, count]) => sum + count, 0);
    context.stdout.write(elsewhere === 0 ? 'every data key is wrapped by the current master key\n' : `${elsewhere} data keys are not wrapped by the current master key: run \`parley master-key rewrap\`\n`);
    return 0;
  },
});

export const masterKeyRewrapCommand = defineCommand({
  name: 'master-key rewrap',
  summary: 'Wrap every data key again with the current master key (PARLEY_MASTER_KEY)',
  details: `Data keys wrapped by one of PARLEY_PREVIOUS_MASTER_KEYS are opened and wrapped again with PARLEY_MASTER_KEY; what they encrypt is not touched, so it takes a moment whatever the data. Safe to run again. ${ROTATION_STEPS}`,
  options: {},
  async run(_options, context) {
    const storage = await context.storage();
    const { rewrapDataKeys } = await rotation();
    const keys = storage.keyring.masterKeys;
    const result = await rewrapDataKeys(storage.db, keys);
    context.stdout.write(`rewrapped\t${result.rewrapped} data keys\nalready current\t${result.current} data keys\nmaster key\t${keys.currentId}\n`);
    if (result.unopened.length > 0) {
      const listed = result.unopened.slice(0, 5).join(', ') + (result.unopened.length > 5 ? ', …' : '');
      throw new ParleyError('decryption_failed', `${result.unopened.length} data keys open with none of the configured master keys (workspaces ${listed}); add the key that wraps them to PARLEY_PREVIOUS_MASTER_KEYS and run this again`);
    }
    return 0;
  },
});
