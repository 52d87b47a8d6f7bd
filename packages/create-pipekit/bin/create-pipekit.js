#!/usr/bin/env node
// `npm create pipekit [dir]`: scaffolds a pipekit project (see src/bin.ts).
const { main } = await import('../dist/bin.js');
process.exitCode = main(process.argv.slice(2), process.stdout, process.stderr);
