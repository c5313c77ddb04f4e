import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestStorage, type TestStorage } from '../support/test-database.js';
import { startTestServer } from '../support/test-server.js';
import { connectChat } from '../support/chat-client.js';
import { saveTestFlow } from '../support/flow-harness.js';
import type { RunningServer } from '../../runtime/server.js';
import { createWorkspace } from '../../storage/workspace-repository.js';

let storage: TestStorage;
let server: RunningServer;

beforeAll(async () => {
  storage = await createTestStorage();
  server = await startTestServer(storage);
});
afterAll(async () => {
  await server.close();
  await storage.destroy();
});

function sample(text: string, name: string, labels = ''): number {
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels}`) && !l.startsWith('#'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('GET /metrics', () => {
  it('counts chat turns, sockets, store writes and requests in the Prometheus format, without personal data', async () => {
    const ws = await createWorkspace(storage, { name: 'Metrics' });
    await saveTestFlow(storage, ws, 'm', { name: 'M', steps: [{ id: 'email', module: 'email-capture', config: { question: 'Email?' } }] });
    const chat = await connectChat(server.url, { workspace: ws.id, flow: 'm' });
    await chat.reply('not an email');
    await chat.reply('metrics.person@example.org');
    const during = await (await fetch(`${server.url}/metrics`)).text();
    expect(sample(during, 'parley_active_sockets')).toBe(1);
    chat.close();
    await fetch(`${server.url}/health`);
    const response = await fetch(`${server.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(sample(text, 'parley_chat_turns_total', '{outcome="ok"}')).toBe(1);
    expect(sample(text, 'parley_chat_turns_total', '{outcome="invalid"}')).toBe(1);
    expect(sample(text, 'parley_store_writes_total', '{table="variables",stored="true"}')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/parley_http_request_duration_seconds_count\{method="GET",route="\/health",status="200"\} [1-9]/);
    expect(text).toMatch(/parley_queue_depth\{queue="export-run"\} \d+/);
    expect(text).toContain('parley_rows_swept_total');
    // The start's session insert and the accepted reply's write went by the group commit.
    expect(sample(text, 'parley_group_commit_size_count')).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/parley_group_commit_size_bucket\{le="1"\} [1-9]/);
    expect(text).toContain('parley_group_commit_retried_total 0');
    expect(text).not.toContain('metrics.person');
  });
});
