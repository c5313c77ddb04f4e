#!/usr/bin/env node
// The operator's CLI. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
import '../dist/runtime/cli/parley-cli.js';
