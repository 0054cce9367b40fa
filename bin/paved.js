#!/usr/bin/env node
// The `paved` command: the committed bundle in dist/cli, so a fresh clone works without a build step.
await import('../dist/cli/index.js');
