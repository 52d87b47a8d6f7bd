import { parseDocument } from 'yaml';
import type { Dialect } from './convert/ir.js';
import { isRecord } from './convert/values.js';
import { ConvertError } from './errors.js';
import { findDuplicateKey } from './json-duplicate-keys.js';
import { unclosedAtEnd } from './json-end-of-file.js';

/** Line and column of an offset, 1-based. */
function lineColumn(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return `line ${line}, column ${offset - before.lastIndexOf('\n')}`;
}

/** A config's data from JSON or YAML text; broken text is an error naming the line. */
export function readConfig(file: string, text: string): unknown {
  const yaml = /\.ya?ml$/i.test(file) || (!/\.json$/i.test(file) && !/^\s*[[{]/.test(text));
  if (!yaml) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      const message = (e as Error).message;
      const pos = /position (\d+)/.exec(message);
      const atEnd =
        /Unexpected end of JSON input/.test(message) ||
        (pos !== null && Number(pos[1]) >= text.trimEnd().length);
      const open = atEnd ? unclosedAtEnd(text) : null;
      if (atEnd)
        throw new ConvertError(
          file,
          [],
          `invalid JSON: unexpected end of file at ${lineColumn(text, text.trimEnd().length)}` +
            (open
              ? `: the ${open.what} opened at ${lineColumn(text, open.offset)} is never closed`
              : ''),
          undefined,
          'the file is cut short: complete it (or copy it again from its source)',
        );
      // Newer V8 messages quote the text instead of giving a position; the YAML parser finds it.
      const where = pos
        ? ` at ${lineColumn(text, Number(pos[1]))}`
        : (yamlError(text)?.where ?? '');
      const reason = message
        .replace(/ in JSON at position \d+.*$/s, '')
        .replace(/, ".*$/s, '')
        .replace(/\s*\(line \d+ column \d+\)$/, '');
      throw new ConvertError(file, [], `invalid JSON${where}: ${reason}`);
    }
    const dup = findDuplicateKey(text);
    if (dup)
      throw new ConvertError(
        file,
        [...dup.path, dup.key],
        `key '${dup.key}' is written twice in one object (again at ${lineColumn(text, dup.offset)}); ` +
          'a JSON reader keeps only the last value, so the first would be lost',
        undefined,
        'give each entry its own key (for aggregations: a distinct output name)',
      );
    return data;
  }
  const error = yamlError(text);
  if (error?.atEnd)
    throw new ConvertError(
      file,
      [],
      `invalid YAML: unexpected end of file${error.where}: ${error.message}`,
      undefined,
      'the file is cut short: complete it (or copy it again from its source)',
    );
  if (error) throw new ConvertError(file, [], `invalid YAML${error.where}: ${error.message}`);
  try {
    return parseDocument(text, { uniqueKeys: true }).toJS();
  } catch (e) {
    // Well-formed YAML that has no value: an alias to an anchor never set (`*name`), an alias
    // expanding too far. The yaml library throws these only when building the value.
    throw new ConvertError(
      file,
      [],
      `invalid YAML: ${(e as Error).message}`,
      undefined,
      'a `*name` is an alias of an `&name` anchor set before it; quote a value that starts with `*`',
    );
  }
}

function yamlError(text: string): { where: string; message: string; atEnd: boolean } | undefined {
  const error = parseDocument(text, { prettyErrors: true, uniqueKeys: true }).errors[0];
  if (!error) return undefined;
  const pos = error.linePos?.[0];
  return {
    where: pos ? ` at line ${pos.line}, column ${pos.col}` : '',
    atEnd: error.pos[0] >= text.trimEnd().length,
    message: (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, ''),
  };
}

export const dialectNames: Readonly<Record<Dialect, string>> = {
  steps: 'step-list',
  etl: 'ETL framework',
  nodes: 'streaming-node',
};

/** Which dialect a config is written in, by the keys only that dialect has at the top. */
export function detectDialect(file: string, data: unknown): Dialect {
  if (isRecord(data)) {
    if (Array.isArray(data.steps)) return 'steps';
    if ('pipelineId' in data || ('extract' in data && 'load' in data)) return 'etl';
    if (Array.isArray(data.nodes) || ('input' in data && 'output' in data)) return 'nodes';
  }
  throw new ConvertError(
    file,
    [],
    'cannot tell which legacy dialect this is',
    'step-list ({ name, mode, steps }), ETL ({ pipelineId, extract, transforms, load }), streaming-node ({ name, input, output } or { nodes })',
  );
}
