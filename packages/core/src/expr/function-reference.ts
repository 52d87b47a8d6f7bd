import type { SqlFunction } from './function-def.js';
import { aggregateNames, lookupAggregate } from './functions.js';
import { datetimeFunctions } from './functions-datetime.js';
import { mathFunctions } from './functions-math.js';
import { nullFunctions } from './functions-null.js';
import { stringFunctions } from './functions-string.js';

function arity(min: number, max: number): string {
  if (max === Number.POSITIVE_INFINITY) return `${min} or more`;
  return min === max ? String(min) : `${min} to ${max}`;
}

function table(functions: readonly SqlFunction[]): string {
  const rows = [...functions]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map(
      (f) =>
        `| \`${f.name}\` | ${arity(f.minArgs, f.maxArgs)} | ${f.nulls === 'strict' ? 'NULL if any argument is NULL' : 'handles NULL itself'} |`,
    );
  return ['| function | arguments | NULL arguments |', '| --- | --- | --- |', ...rows].join('\n');
}

/**
 * docs/reference/sql-functions.md: every function the SQL expressions (`expr()`, `sql```,
 * `selectExpr`, legacy configs) accept, from the function registry itself, so the page cannot
 * drift from the code (`npm run docs` writes it; a test compares).
 */
export function sqlFunctionReference(): string {
  const aggregates = aggregateNames().map((name) => {
    const f = lookupAggregate(name)!;
    return `| \`${name}\` | ${arity(f.minArgs, f.maxArgs)} |`;
  });
  return `# SQL functions

<!-- Generated from the function registry (packages/core/src/expr/functions*.ts) by \`npm run docs\`; do not edit. -->

The functions SQL expressions accept (\`expr('upper(name)')\`, \`sql\\\`...\\\`\`, \`selectExpr\`,
legacy configs through \`pipe-codegen\`), with Spark's names and semantics. A name not listed is
refused when the pipeline is built, with the closest names suggested.

## Strings

${table(stringFunctions)}

## Numbers

${table(mathFunctions)}

## NULL handling

${table(nullFunctions)}

## Dates and times

${table(datetimeFunctions)}

## Aggregates

In \`agg\` expressions and aggregations (\`count(*)\` is \`count\` without arguments).

| function | arguments |
| --- | --- |
${aggregates.join('\n')}
`;
}
