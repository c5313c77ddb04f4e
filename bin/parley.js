#!/usr/bin/env -S node --min-semi-space-size=16 --no-memory-reducer --no-allocation-site-pretenuring
// The operator's CLI. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
// The V8 flags on the first line are the CLI's (README, "Operator CLI"): `node bin/parley.js`
// runs without them unless given the same flags.
import '../dist/runtime/cli/parley-cli.js';
