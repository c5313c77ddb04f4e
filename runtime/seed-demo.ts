import type { Storage } from '../storage/storage.js';
import { createWorkspace, markDemoWorkspace } from '../storage/workspace-repository.js';
import { issueApiKey } from '../storage/api-key-repository.js';
import { demoFlowDocument } from '../modules/demo-flow.js';
import type { FlowLifecycleDeps } from './engine/flow-lifecycle.js';
import { saveFlowDocument } from './engine/flow-lifecycle.js';
import { DEMO_FLOW } from './http/widget-routes.js';

export interface SeededDemo {
  readonly workspaceId: string;
  readonly apiKey: string;
}

/** On the first start (no workspace at all), creates the demo workspace, its flow and an admin key. */
export async function seedDemo(storage: Storage, flows: FlowLifecycleDeps): Promise<SeededDemo | undefined> {
  const existing = await storage.db.selectFrom('workspaces').select('id').limit(1).executeTakeFirst();
  if (existing) return undefined;
  const workspace = await createWorkspace(storage, { name: 'Demo', timeZone: 'Europe/Paris' });
  await markDemoWorkspace(storage, workspace.id);
  await saveFlowDocument(flows, workspace, DEMO_FLOW, demoFlowDocument(storage.clock.now()));
  const key = await issueApiKey(storage.db, workspace.id, { name: 'demo admin' });
  return { workspaceId: workspace.id, apiKey: key.key };
}
