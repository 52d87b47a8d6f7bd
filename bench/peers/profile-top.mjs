#!/usr/bin/env node
/**
 * The top functions of a V8 CPU profile (`node --cpu-prof`) by self time:
 * `node bench/peers/profile-top.mjs <file.cpuprofile> [N]`. For the notes on where pipekit's time
 * goes in a peer workload.
 */
import { readFileSync } from 'node:fs';

const [file, top = '25'] = process.argv.slice(2);
const prof = JSON.parse(readFileSync(file, 'utf8'));
const dt = new Map();
for (let i = 0; i < prof.samples.length; i++)
  dt.set(prof.samples[i], (dt.get(prof.samples[i]) ?? 0) + (prof.timeDeltas[i] ?? 0));
const self = new Map();
let total = 0;
for (const n of prof.nodes) {
  const us = dt.get(n.id) ?? 0;
  total += us;
  const f = n.callFrame;
  const where = f.url
    ? `${f.url.replace(/^.*\/(packages|node_modules)\//, '$1/')}:${f.lineNumber + 1}`
    : '';
  const key = `${f.functionName || '(anonymous)'} ${where}`;
  self.set(key, (self.get(key) ?? 0) + us);
}
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
for (const [k, us] of rows) console.log(`${((100 * us) / total).toFixed(1).padStart(5)}%  ${k}`);
