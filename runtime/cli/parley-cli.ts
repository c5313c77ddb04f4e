import { runCli } from './run-cli.js';
import { describeFailure } from '../failure-message.js';

runCli(process.argv.slice(2), { env: process.env, stdout: process.stdout, stderr: process.stderr }).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`parley: ${describeFailure(error)}\n`);
    process.exit(1);
  },
);
