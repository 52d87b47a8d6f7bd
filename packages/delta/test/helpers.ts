import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import type { Schema } from '../src/index.js';

const roots: string[] = [];

/** A fresh directory for one table, removed after the test file. */
export function tablePath(name: string): string {
  const root = mkdtempSync(join(tmpdir(), 'pipekit-delta-'));
  if (roots.length === 0) {
    afterAll(() => {
      for (const r of roots) rmSync(r, { recursive: true, force: true });
    });
  }
  roots.push(root);
  return join(root, name);
}

export const venvPython = join(
  process.env.PIPEKIT_CACHE ?? join(homedir(), '.cache', 'pipekit'),
  'venv-delta',
  'bin',
  'python',
);

/** Run a checked-in script from test/python with the venv's Python; parse its JSON output. */
export function runPython(script: string, args: readonly string[]): Promise<unknown> {
  const file = fileURLToPath(new URL(`./python/${script}`, import.meta.url));
  return new Promise((resolve, reject) => {
    execFile(
      venvPython,
      [file, ...args],
      { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${script} failed: ${err.message}\n${stderr}`));
        else resolve(JSON.parse(stdout));
      },
    );
  });
}

/** Every type pipekit maps to Delta, nullable so nulls round-trip too. */
export const allTypesSchema: Schema = {
  fields: [
    { name: 'id', type: 'long', nullable: false },
    { name: 's', type: 'string', nullable: true },
    { name: 'b8', type: 'byte', nullable: true },
    { name: 'i16', type: 'short', nullable: true },
    { name: 'i32', type: 'integer', nullable: true },
    { name: 'f32', type: 'float', nullable: true },
    { name: 'f64', type: 'double', nullable: true },
    { name: 'flag', type: 'boolean', nullable: true },
    { name: 'bin', type: 'binary', nullable: true },
    { name: 'day', type: 'date', nullable: true },
    { name: 'ts', type: 'timestamp', nullable: true },
    { name: 'amount', type: 'decimal(12,2)', nullable: true },
    {
      name: 'tags',
      type: { type: 'array', elementType: 'string', containsNull: true },
      nullable: true,
    },
    {
      name: 'point',
      type: {
        type: 'struct',
        fields: [
          { name: 'x', type: 'integer', nullable: true },
          { name: 'label', type: 'string', nullable: true },
        ],
      },
      nullable: true,
    },
    {
      name: 'attrs',
      type: { type: 'map', keyType: 'string', valueType: 'long', valueContainsNull: true },
      nullable: true,
    },
  ],
};

export const allTypesRows = [
  {
    id: 1,
    s: 'héllo',
    b8: -8,
    i16: 1600,
    i32: 2_000_000_000,
    f32: 1.5,
    f64: Math.PI,
    flag: true,
    bin: new Uint8Array([1, 2, 255]),
    day: new Date('2024-02-29T00:00:00Z'),
    ts: new Date('2024-03-01T12:34:56.789Z'),
    amount: 1234.56,
    tags: ['a', null, 'c'],
    point: { x: 7, label: 'p' },
    attrs: new Map([['k', 9_007_199_254_740_991]]),
  },
  {
    id: 2,
    s: null,
    b8: null,
    i16: null,
    i32: null,
    f32: null,
    f64: null,
    flag: null,
    bin: null,
    day: null,
    ts: null,
    amount: null,
    tags: null,
    point: null,
    attrs: null,
  },
  {
    id: 3,
    s: '',
    b8: 127,
    i16: -32768,
    i32: -1,
    f32: -0.25,
    f64: -1e300,
    flag: false,
    bin: new Uint8Array([]),
    day: new Date('1969-12-31T00:00:00Z'),
    ts: new Date('1970-01-01T00:00:00.001Z'),
    amount: -0.05,
    tags: [],
    point: { x: null, label: null },
    attrs: new Map<string, number | null>([['n', null]]),
  },
];

/** Sort rows by a numeric key for order-insensitive comparison. */
export function byId<T extends Record<string, unknown>>(rows: readonly T[], key = 'id'): T[] {
  return [...rows].sort((a, b) => Number(a[key]) - Number(b[key]));
}
