import { PipekitError } from '../errors/pipekit-error.js';
import { describeSecretRef, isSecretRef, type SecretRef } from '../plan/secret.js';

/** What a provider reads: one value, or the fields of a secret that holds several. */
export type SecretValue = string | Readonly<Record<string, string>>;

/**
 * Reads secrets of one kind (`env`, `file`, `vault`, or your own). `read` may answer at once (a
 * value) or later (a promise): a resolver loads the promised ones before a pipeline starts, so
 * connectors read every secret synchronously. Errors must name the reference, never a value.
 */
export interface SecretProvider {
  /** The `provider` of the references it reads. */
  readonly name: string;
  read(ref: SecretRef): SecretValue | Promise<SecretValue>;
}

/**
 * Turns a secret reference into its value, the one contract every connector uses. `path` says
 * where the plan names the reference (`connection.password`), for the error when it cannot be
 * read; the error names the reference and never a value.
 */
export interface SecretResolver {
  (ref: SecretRef, path?: string): string;
  /**
   * Read `refs` from their providers now (at start: a provider that answers later, like Vault,
   * must be loaded before its values are used).
   */
  load?(refs: readonly SecretRef[]): Promise<void>;
  /**
   * Read `refs` again, e.g. after a connector's authentication failed: a rotated password is
   * picked up without a restart. Returns whether any value changed.
   */
  refresh?(refs: readonly SecretRef[]): Promise<boolean>;
}

function where(path: string | undefined): string {
  return path === undefined || path === '' ? '' : `${path}: `;
}

/** The error for a secret that cannot be read: names the reference and where the plan uses it. */
export function secretError(
  ref: SecretRef,
  path: string | undefined,
  why: string,
  fix?: string,
): PipekitError {
  return new PipekitError(
    `${where(path)}${describeSecretRef(ref)} cannot be read: ${why}${fix ? ` (${fix})` : ''}`,
  );
}

/**
 * What a provider throws when it cannot read a secret: why (never the value) and what to do. The
 * resolver words it with the reference and where the plan uses it.
 */
export class SecretUnavailableError extends Error {
  override readonly name = 'SecretUnavailableError';
  constructor(
    readonly why: string,
    readonly fix?: string,
  ) {
    super(why);
  }
}

function worded(e: unknown, ref: SecretRef, path: string | undefined): unknown {
  return e instanceof SecretUnavailableError ? secretError(ref, path, e.why, e.fix) : e;
}

/** The value a reference names: its `key`, the only field, or all fields as JSON. */
function pick(ref: SecretRef, value: SecretValue, path: string | undefined): string {
  if (typeof value === 'string') {
    if (ref.key === undefined) return value;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch {
      throw secretError(ref, path, `it is not a JSON object, so it has no field '${ref.key}'`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      throw secretError(ref, path, `it is not a JSON object, so it has no field '${ref.key}'`);
    return pick(ref, parsed as Record<string, string>, path);
  }
  if (ref.key !== undefined) {
    const v = value[ref.key];
    if (v === undefined) throw secretError(ref, path, `it has no field '${ref.key}'`);
    return typeof v === 'string' ? v : JSON.stringify(v);
  }
  const keys = Object.keys(value);
  if (keys.length === 1) {
    const only = value[keys[0]!]!;
    return typeof only === 'string' ? only : JSON.stringify(only);
  }
  return JSON.stringify(value);
}

const keyOf = (ref: SecretRef): string => JSON.stringify([ref.provider, ref.secret]);

/**
 * The resolver over a set of providers (the runtime's default: env, file, vault). Values are
 * cached per reference once read: resolved once at start, read again only by `refresh`.
 */
export function secretResolver(providers: readonly SecretProvider[]): SecretResolver {
  const byName = new Map(providers.map((p) => [p.name, p]));
  const cache = new Map<string, SecretValue>();
  // What `load` could not read: reported when a connector asks, with where the plan uses it.
  const failed = new Map<string, SecretUnavailableError>();
  const providerOf = (ref: SecretRef, path: string | undefined): SecretProvider => {
    const p = byName.get(ref.provider);
    if (!p)
      throw secretError(
        ref,
        path,
        `no '${ref.provider}' secret provider is registered`,
        `register one (runPipeline's secrets option, or pipe run --secrets <module>); known: ${[...byName.keys()].join(', ')}`,
      );
    return p;
  };
  const read = async (ref: SecretRef): Promise<SecretValue> => {
    try {
      const value = await providerOf(ref, undefined).read(ref);
      cache.set(keyOf(ref), value);
      failed.delete(keyOf(ref));
      return value;
    } catch (e) {
      throw worded(e, ref, undefined);
    }
  };
  const resolve = ((ref: SecretRef, path?: string): string => {
    const cached = cache.get(keyOf(ref));
    if (cached !== undefined) return pick(ref, cached, path);
    const failure = failed.get(keyOf(ref));
    if (failure) throw worded(failure, ref, path);
    let value: SecretValue | Promise<SecretValue>;
    try {
      value = providerOf(ref, path).read(ref);
    } catch (e) {
      throw worded(e, ref, path);
    }
    if (typeof value === 'object' && value !== null && 'then' in value) {
      (value as Promise<SecretValue>).catch(() => {});
      throw secretError(
        ref,
        path,
        'its provider answers asynchronously and it was not loaded before use',
        'runPipeline loads every secret of the plan at start; outside it, await resolver.load([ref]) first',
      );
    }
    cache.set(keyOf(ref), value);
    return pick(ref, value, path);
  }) as SecretResolver;
  resolve.load = async (refs) => {
    const distinct = new Map(refs.map((r) => [keyOf(r), r]));
    await Promise.all(
      [...distinct]
        .filter(([k]) => !cache.has(k))
        .map(async ([k, r]) => {
          try {
            cache.set(k, await providerOf(r, undefined).read(r));
          } catch (e) {
            // Kept for the connector that uses it, whose error then says where; other errors
            // (no such provider) are the plan's and fail now.
            if (e instanceof SecretUnavailableError) failed.set(k, e);
            else throw e;
          }
        }),
    );
  };
  resolve.refresh = async (refs) => {
    const distinct = new Map(refs.map((r) => [keyOf(r), r]));
    let changed = false;
    for (const [k, r] of distinct) {
      const before = cache.get(k);
      const after = await read(r);
      if (JSON.stringify(before) !== JSON.stringify(after)) changed = true;
    }
    return changed;
  };
  return resolve;
}

/** Reads `secret('NAME')` from the environment, at each use. */
export const envSecretProvider: SecretProvider = {
  name: 'env',
  read(ref) {
    const v = process.env[ref.secret];
    if (v === undefined || v === '')
      throw new SecretUnavailableError(
        `the environment variable ${ref.secret} is not set`,
        `export ${ref.secret}=...`,
      );
    return v;
  },
};

/**
 * The default of connectors used without a runtime: environment variables only. The runtime
 * passes its own resolver (env, file, vault, and registered providers) to connectors.
 */
export const envSecrets: SecretResolver = (ref, path) => {
  if (ref.provider !== 'env')
    throw secretError(
      ref,
      path,
      'only environment secrets can be read here',
      'run the pipeline with pipe run or runPipeline, whose resolver reads every provider',
    );
  try {
    return pick(ref, envSecretProvider.read(ref) as string, path);
  } catch (e) {
    throw worded(e, ref, path);
  }
};

/** Every secret reference inside a value (a plan, a spec), in order of appearance. */
export function secretRefsIn(value: unknown): SecretRef[] {
  const out: SecretRef[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 64 || typeof v !== 'object' || v === null) return;
    if (isSecretRef(v)) {
      out.push(v);
      return;
    }
    for (const x of Array.isArray(v) ? v : Object.values(v)) walk(x, depth + 1);
  };
  walk(value, 0);
  return out;
}
