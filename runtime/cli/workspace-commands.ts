import { defineCommand, requireId, UsageError } from './cli-command.js';
import { ParleyError } from '../../core/errors.js';
import { API_SCOPES, type ApiScope } from '../../core/api-scopes.js';

// What the commands run is imported inside run(), so that `parley --help` loads none of it.
const apiKeys = () => import('../../storage/api-key-repository.js');

export const workspaceCreateCommand = defineCommand({
  name: 'workspace create',
  summary: 'Create a workspace and print its id and a first API key',
  details: 'The key is shown once; only its hash is stored.',
  options: {
    name: { type: 'string', value: 'NAME', help: "the workspace's name", required: true },
    'time-zone': { type: 'string', value: 'ZONE', help: 'IANA time zone for its schedules, e.g. Europe/Paris' },
  },
  async run(options, context) {
    const storage = await context.storage();
    const [{ createWorkspace }, { issueApiKey }] = await Promise.all([import('../../storage/workspace-repository.js'), apiKeys()]);
    const zone = options['time-zone'];
    const workspace = await createWorkspace(storage, { name: options.name, ...(zone && { timeZone: zone }) }).catch((error: unknown) => {
      // The repository points at the JSON field; the operator typed an option.
      const option = error instanceof ParleyError ? { '/name': '--name', '/timeZone': '--time-zone' }[error.path ?? ''] : undefined;
      throw option && error instanceof ParleyError ? new ParleyError(error.code, error.message, { path: option }) : error;
    });
    const key = await issueApiKey(storage.db, workspace.id, { name: 'cli' });
    context.stdout.write(`workspace: ${workspace.id}\napi key id: ${key.id}\napi key: ${key.key}\n(the key is shown once; only its hash is stored)\n`);
    return 0;
  },
});

export const keyCreateCommand = defineCommand({
  name: 'key create',
  summary: 'Issue another API key for a workspace',
  options: {
    workspace: { type: 'string', value: 'ID', help: 'the workspace', required: true },
    name: { type: 'string', value: 'NAME', help: 'a label for the key (default: cli)' },
    'read-only': { type: 'boolean', help: 'a key that may only read (GET, previews, lookups, download links)' },
    'expires-in-days': { type: 'string', value: 'DAYS', help: 'refuse the key after this many days (1 to 3650; default: never)' },
    scopes: { type: 'string', value: 'PARTS', help: `limit the key to parts of the API, comma-separated (${API_SCOPES.join(', ')}; default: all)` },
  },
  async run(options, context) {
    const workspaceId = requireId(options.workspace, '--workspace');
    const days = options['expires-in-days'];
    if (days !== undefined && (!/^\d{1,4}$/.test(days) || Number(days) < 1 || Number(days) > 3650)) throw new UsageError('must be a whole number of days from 1 to 3650', '--expires-in-days');
    const scopes = options.scopes?.split(',').map((part) => part.trim());
    if (scopes?.some((part) => !(API_SCOPES as readonly string[]).includes(part))) throw new UsageError(`must be parts of the API among ${API_SCOPES.join(', ')}`, '--scopes');
    const { issueApiKey } = await apiKeys();
    const key = await issueApiKey((await context.storage()).db, workspaceId, {
      name: options.name ?? 'cli',
      access: options['read-only'] ? 'read' : 'full',
      ...(scopes && { scopes: scopes as ApiScope[] }),
      ...(days !== undefined && { expiresInDays: Number(days) }),
    });
    context.stdout.write(`api key id: ${key.id}\napi key: ${key.key}\naccess: ${key.access}\nscopes: ${key.scopes?.join(',') ?? 'all'}\nexpires: ${key.expiresAt?.toISOString() ?? 'never'}\n`);
    return 0;
  },
});

export const keyRevokeCommand = defineCommand({
  name: 'key revoke',
  summary: 'Revoke an API key',
  options: {
    workspace: { type: 'string', value: 'ID', help: 'the workspace', required: true },
    key: { type: 'string', value: 'KEY_ID', help: "the key's id (printed when it was issued)", required: true },
  },
  async run(options, context) {
    const [workspaceId, keyId] = [requireId(options.workspace, '--workspace'), requireId(options.key, '--key')];
    const { revokeApiKey } = await apiKeys();
    const revoked = await revokeApiKey((await context.storage()).db, workspaceId, keyId);
    if (revoked !== 'revoked') throw new ParleyError('not_found', 'no such live key in this workspace', { path: '--key' });
    context.stdout.write('revoked\n');
    return 0;
  },
});
