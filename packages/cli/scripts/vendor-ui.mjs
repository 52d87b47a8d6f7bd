#!/usr/bin/env node
// Copies the chart library (uPlot) into static/ui/vendor, so the page ships inside the package and
// loads nothing from the network. Until this ran, the server reads the same files from the
// installed uplot package.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = dirname(createRequire(import.meta.url).resolve('uplot'));
const out = join(here, '..', 'static', 'ui', 'vendor');
mkdirSync(out, { recursive: true });
for (const f of ['uPlot.iife.min.js', 'uPlot.min.css', '../LICENSE'])
  copyFileSync(join(dist, f), join(out, f.replace('../', 'uPlot.')));
