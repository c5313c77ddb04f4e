import { timingSafeEqual } from 'node:crypto';
import type { Keyring } from '../../storage/crypto/keyring.js';

/** How long a console preview token opens chat sessions. */
export const PREVIEW_TOKEN_TTL_MS = 30 * 60_000;

const PURPOSE = 'parley-preview-v1';

function signedText(workspaceId: string, payload: string): string {
  return `${PURPOSE}\n${workspaceId}\n${payload}`;
}

/**
 * Issues a token for the console's preview pane: `<payload>.<signature>`, where the payload
 * (base64url JSON) names the flow (its uuid) and the expiry, and the signature is an HMAC under
 * the workspace's signing key (keyring.ts). Only the admin API issues them; a visitor cannot
 * make one, so a visitor cannot mark a session as preview.
 *
 * @example const { token } = await issuePreviewToken(storage.keyring, workspace.id, flow.id, clock.now());
 */
export async function issuePreviewToken(keyring: Keyring, workspaceId: string, flowId: string, now: Date): Promise<{ token: string; expiresAt: Date }> {
  const expiresAt = new Date(now.getTime() + PREVIEW_TOKEN_TTL_MS);
  const payload = Buffer.from(JSON.stringify({ f: flowId, e: expiresAt.getTime() }), 'utf8').toString('base64url');
  const signature = await keyring.sign(workspaceId, signedText(workspaceId, payload));
  return { token: `${payload}.${signature.toString('base64url')}`, expiresAt };
}

/**
 * Checks a preview token for a handshake of `workspaceId` and `flowId`: signed by that
 * workspace, for that flow, not expired. Returns false for anything else (never throws on input).
 */
export async function verifyPreviewToken(keyring: Keyring, token: string, workspaceId: string, flowId: string, now: Date): Promise<boolean> {
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined) return false;
  const expected = await keyring.sign(workspaceId, signedText(workspaceId, payload));
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return false;
  }
  const { f, e } = (claims ?? {}) as { f?: unknown; e?: unknown };
  return f === flowId && typeof e === 'number' && now.getTime() < e;
}
