import fc from 'fast-check';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every path into a JSON value, the root included. */
function pathsOf(value: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...pathsOf(v, [...at, i]));
  } else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

/** `value` with the node at `path` replaced by `edit(node)`; `undefined` deletes it. */
function editAt(value: Json, path: (string | number)[], edit: (v: Json) => Json | undefined): Json {
  if (path.length === 0) return edit(value) ?? null;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) {
    const copy = [...value];
    const next = editAt(copy[head as number] as Json, rest, edit);
    if (rest.length === 0 && edit(copy[head as number] as Json) === undefined)
      copy.splice(head as number, 1);
    else copy[head as number] = next;
    return copy;
  }
  const obj = { ...(value as Record<string, Json>) };
  if (rest.length === 0) {
    const replaced = edit(obj[head] as Json);
    if (replaced === undefined) delete obj[head];
    else obj[head] = replaced;
  } else obj[head] = editAt(obj[head] as Json, rest, edit);
  return obj;
}

const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
  fc.constantFrom<Json>(
    -1,
    0,
    1e308,
    -0,
    '',
    '1 lightyear',
    '__proto__',
    'constructor',
    { __proto__: null } as unknown as Json,
    [],
    {},
    'PT-5S',
    '9999999999999 days',
  ),
);

/** Edits to one node: replaced by a random value, deleted, a key added, or duplicated in its array. */
const edit: fc.Arbitrary<(v: Json) => Json | undefined> = fc.oneof(
  weirdValue.map((w) => () => w),
  fc.constant(() => undefined),
  fc
    .tuple(fc.constantFrom('kind', 'extra', '__proto__', 'constructor', 'name', 'type'), weirdValue)
    .map(
      ([k, w]) =>
        (v: Json) =>
          v !== null && typeof v === 'object' && !Array.isArray(v)
            ? (JSON.parse(JSON.stringify({ ...v, [k]: w })) as Json)
            : v,
    ),
  fc.constant((v: Json) => (Array.isArray(v) ? [...v, ...v] : v)),
  fc.constant((v: Json) => (typeof v === 'string' ? `${v}x` : typeof v === 'number' ? -v : v)),
);

/** One of `plans` (any JSON documents) with one to four random edits at random places. */
export function mutatedJson(plans: readonly Json[]): fc.Arbitrary<Json> {
  return fc
    .tuple(
      fc.constantFrom(...plans),
      fc.array(fc.tuple(fc.nat(), edit), { minLength: 1, maxLength: 4 }),
    )
    .map(([plan, edits]) => {
      let out = plan;
      for (const [pick, fn] of edits) {
        const paths = pathsOf(out);
        out = editAt(out, paths[pick % paths.length] as (string | number)[], fn);
      }
      return out;
    });
}

export type { Json };
