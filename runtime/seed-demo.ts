import type { Storage } from '../storage/storage.js';
import { createWorkspace } from '../storage/workspace-repository.js';
import { issueApiKey } from '../storage/api-key-repository.js';

export interface SeededDemo {
  readonly workspaceId: string;
  readonly apiKey: string;
}

/** On the first start (no workspace at all), creates the demo workspace and its admin key. */
export async function seedDemo(storage: Storage): Promise<SeededDemo | undefined> {
  const existing = await storage.db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;
  const workspace = await createWorkspace(storage, { name: 'Demo', timeZone: 'Europe/Paris' });
  const key = await issueApiKey(storage.db, workspace.id, 'demo admin');
  return { workspaceId: workspace.id, apiKey: key.key };
}
