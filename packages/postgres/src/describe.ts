import type { PostgresConnection, SecretResolver } from '@pipekit/core';
import { PipekitError } from '@pipekit/core';
import { tableColumns } from './catalog.js';
import { closeQuietly, connect, resolveConnection } from './connection.js';
import { displayTable, tableName } from './identifiers.js';
import { elementTypeOf, type PgColumn } from './types.js';

/** The zod expression for a Postgres type (`format_type` text), and the core helpers it uses. */
function zodOf(type: string, helpers: Set<string>): { expr: string; note?: string } {
  const el = elementTypeOf(type);
  if (el !== null) {
    const inner = zodOf(el, helpers);
    return {
      expr: `z.array(${inner.expr}.nullable())`,
      ...(inner.note ? { note: `${inner.note}[]` } : {}),
    };
  }
  const numeric = /^numeric\((\d+)(?:,(\d+))?\)$/.exec(type);
  if (numeric) {
    helpers.add('decimal');
    return { expr: `decimal(${numeric[1]}, ${numeric[2] ?? 0})` };
  }
  switch (type) {
    case 'smallint':
    case 'integer':
      return { expr: 'z.int()' };
    case 'bigint':
      helpers.add('long');
      return { expr: 'long()' };
    case 'real':
    case 'double precision':
      return { expr: 'z.number()' };
    case 'numeric':
      return { expr: 'z.string()', note: 'numeric without precision: exact decimal text' };
    case 'boolean':
      return { expr: 'z.boolean()' };
    case 'uuid':
      return { expr: 'z.uuid()' };
    case 'date':
      return { expr: "z.coerce.date().meta({ pipekitType: 'date' })" };
    case 'json':
    case 'jsonb':
      return { expr: 'z.string()', note: `${type} as JSON text` };
    case 'bytea':
      return { expr: "z.instanceof(Uint8Array).meta({ pipekitType: 'binary' })" };
    default:
      if (type.startsWith('timestamp')) return { expr: 'z.coerce.date()' };
      if (/^(text|character varying|character|"char"|name|citext)/.test(type))
        return { expr: 'z.string()' };
      return { expr: 'z.string()', note: `${type}, read as text` };
  }
}

function key(name: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name);
}

function typeName(table: string): string {
  const words = table.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
  const single = name.endsWith('ies')
    ? `${name.slice(0, -3)}y`
    : name.endsWith('s') && !name.endsWith('ss')
      ? name.slice(0, -1)
      : name;
  return /^[A-Za-z]/.test(single) ? single : `Row${single}`;
}

/** TypeScript source of a zod object for these columns (a nullable column is `.nullable()`). */
export function zodSource(table: string, columns: readonly PgColumn[]): string {
  const helpers = new Set<string>();
  const lines = columns.map((c) => {
    const z = zodOf(c.type, helpers);
    const note = z.note ? ` // ${z.note}` : '';
    return `  ${key(c.name)}: ${z.expr}${c.nullable ? '.nullable()' : ''},${note}`;
  });
  const imports = [
    ...(helpers.size > 0
      ? [`import { ${[...helpers].sort().join(', ')} } from '@pipekit/core';`]
      : []),
    "import { z } from 'zod';",
  ];
  return `${imports.join('\n')}\n\n/** Table ${table}. */\nexport const ${typeName(table.split('.').pop() ?? table)} = z.object({\n${lines.join('\n')}\n});\n`;
}

/**
 * The zod schema of a table as TypeScript source, for `pipe schema postgres --table customers`:
 * paste it as the source's `schema` instead of typing the columns by hand.
 *
 * @example
 * const text = await describeTable({ url: 'postgres://app@db/shop', password: secret('PGPASSWORD') }, 'customers');
 * // import { z } from 'zod';
 * // export const Customer = z.object({ id: z.int(), name: z.string(), ... });
 */
export async function describeTable(
  connection: PostgresConnection,
  table: string,
  secrets?: SecretResolver,
): Promise<string> {
  const rc = resolveConnection(connection, secrets);
  const client = await connect(rc);
  try {
    const name = tableName(table);
    const cols = await tableColumns(client, name);
    if (cols === null)
      throw new PipekitError(`table ${displayTable(name)} does not exist at ${rc.where}`);
    return zodSource(displayTable(name), cols);
  } finally {
    await closeQuietly(client);
  }
}
