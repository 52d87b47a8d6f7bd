import { readFileSync, readdirSync } from 'node:fs';
import { it } from 'vitest';
import { generate } from '../src/index.js';
import { ConvertError } from '../src/errors.js';
it('converts', () => {
  const root = '/work/shared/legacy';
  for (const d of ['steps', 'etl', 'nodes']) for (const f of readdirSync(`${root}/${d}`)) {
    const file = `${d}/${f}`;
    try {
      const c = generate(file, readFileSync(`${root}/${file}`, 'utf8'));
      console.log(`===== ${file}\n${c.code}`);
    } catch (e) { console.log('FAIL', file, e instanceof ConvertError ? e.message : e); }
  }
});
