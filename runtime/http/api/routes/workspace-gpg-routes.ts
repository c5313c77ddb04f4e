import { defineRoute } from '../api-route.js';
import { audit } from '../audit.js';
import { dataKeyDestroyedResponse, dateTimeSchema } from '../schemas/common-schemas.js';
import { ParleyError } from '../../../../core/errors.js';
import { generateGpgKeyPair } from '../../../../exporter/encryption/gpg-key-pair.js';
import { getWorkspace } from '../../../../storage/workspace-repository.js';
import { getWorkspaceGpgKey, saveWorkspaceGpgKey, type WorkspaceGpgKey } from '../../../../storage/workspace-gpg-keys.js';

const gpgKeySchema = {
  type: 'object', additionalProperties: false, required: ['fingerprint', 'publicKey', 'createdAt'],
  properties: {
    fingerprint: { type: 'string', description: 'Upper-case hex, as `gpg --fingerprint` shows it (no spaces)' },
    publicKey: { type: 'string', description: 'ASCII-armored: what a partner imports (`gpg --import`) and encrypts to' },
    createdAt: dateTimeSchema,
  },
};

const keyJson = (key: WorkspaceGpgKey) => ({ fingerprint: key.fingerprint, publicKey: key.publicKey, createdAt: key.createdAt.toISOString() });

export const getWorkspaceGpgKeyRoute = defineRoute({
  method: 'get',
  path: '/workspace/gpg-key',
  operationId: 'getWorkspaceGpgKey',
  summary: "The workspace's public GPG key, for files sent to it encrypted (a code list uploaded to a codes step). Every key may read it: it is public",
  tag: 'workspace',
  everyKey: true,
  responses: { 200: { description: 'The public key', schema: gpgKeySchema } },
  async handler({ principal, services }) {
    const key = await getWorkspaceGpgKey(services.storage, principal.workspaceId);
    if (!key) throw new ParleyError('not_found', 'This workspace has no GPG key yet');
    return { body: keyJson(key) };
  },
});

export const createWorkspaceGpgKeyRoute = defineRoute({
  method: 'post',
  path: '/workspace/gpg-key',
  operationId: 'createWorkspaceGpgKey',
  summary: 'Make the workspace a new GPG key pair (Ed25519/Curve25519), replacing any it had: files encrypted to the old key can no longer be read. The private key never leaves the server, sealed under the workspace key',
  tag: 'workspace',
  responses: { 201: { description: 'The new public key', schema: gpgKeySchema }, 410: dataKeyDestroyedResponse },
  async handler(call) {
    const { principal, services } = call;
    const workspace = await getWorkspace(services.storage, principal.workspaceId);
    if (!workspace) throw new ParleyError('not_found', 'Workspace not found');
    const pair = await generateGpgKeyPair(`Parley: ${workspace.name}`);
    const saved = await saveWorkspaceGpgKey(services.storage, workspace.id, { fingerprint: pair.info.fingerprint, publicKey: pair.publicKey, privateKey: pair.privateKey });
    await audit(call, 'workspace.gpg_key_created', pair.info.fingerprint);
    return { status: 201, body: keyJson(saved) };
  },
});
