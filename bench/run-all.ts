/**
 * `npm run bench`: runs every benchmark in its own process, one after another (they share the
 * machine's two cores), and prints one table of their RESULT figures with the limit each was
 * measured against in the same run.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const BENCHES: Array<{ script: string; what: string }> = [
  { script: 'chat-bench.ts', what: 'chat turns/s closed and open loop, statements per turn (vs bare socket.io + INSERT/COMMIT per round trip)' },
  { script: 'widget-transport-bench.ts', what: "the widget's transports (WebSocket first) vs socket.io's default (long-polling first): first turn, conversations/s, server CPU per conversation" },
  { script: 'export-bench.ts', what: 'export rows/s vs COPY … TO STDOUT' },
  { script: 'export-server-bench.ts', what: "an export run through the server: the server's and the run process's RSS, chat latency during the run (run in the server's process vs its own)" },
  { script: 'sweep-bench.ts', what: 'sweep vs bare DELETE' },
  { script: 'instant-win-bench.ts', what: 'instant-win claims/s (vs bare insert+commit)' },
  { script: 'code-upload-bench.ts', what: 'streamed CSV code upload: codes/s and server RSS growth, 100k vs 1M codes' },
  { script: 'handshake-flood-bench.ts', what: 'visitor p99 during a one-address handshake flood vs idle, with and without the budget' },
];

function run(script: string): Promise<{ code: number; results: string[] }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, script)], { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => resolve({ code: code ?? 1, results: output.split('\n').filter((l) => l.startsWith('RESULT ')).map((l) => l.slice(7)) }));
  });
}

const rows: Array<[string, string]> = [];
let failed = 0;
for (const bench of BENCHES) {
  process.stdout.write(`\n=== ${bench.script}: ${bench.what}\n`);
  const { code, results } = await run(bench.script);
  if (code !== 0) failed += 1;
  rows.push([bench.script, code === 0 ? results.join('  ') : `failed (exit ${code})`]);
}
const width = Math.max(...rows.map(([k]) => k.length));
process.stdout.write(`\nSummary\n${rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`).join('\n')}\n`);
process.exit(failed === 0 ? 0 : 1);
