#!/usr/bin/env -S node --min-semi-space-size=16
// The operator's CLI. The TypeScript sources are compiled to dist/ by `npm install` (prepare).
// `--min-semi-space-size=16`: V8 otherwise starts the young generation small and grows it as it
// sees fit; in one run in two of the same export (200,000 entries with related fields) it stayed
// small, each collection promoted half of what the batches in flight had allocated, and the
// export took 12–13 s with a 180 MB peak instead of 10–11 s with 125 MB. Started at its full
// size, five runs in five took 10.2–10.6 s with 125–128 MB.
import '../dist/runtime/cli/parley-cli.js';
