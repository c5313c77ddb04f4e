import type { ApiCall } from './api-route.js';
import { recordAudit } from '../../../storage/audit-repository.js';

/** Records who (key id) did what, with counts; never personal data in clear. */
export async function audit(call: ApiCall<any, any, any>, action: string, target: string | null, counts: Record<string, number> = {}): Promise<void> {
  await recordAudit(call.services.storage.db, {
    workspaceId: call.principal.workspaceId,
    keyId: call.principal.keyId,
    action,
    target,
    counts,
    at: call.services.clock.now(),
  });
}
