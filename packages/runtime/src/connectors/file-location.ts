import { access, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import { isObjectStoreUrl, parseS3Url } from '@pipekit/core';
import picomatch from 'picomatch';
import type { S3Client } from '../object-store/s3-client.js';
import { isGlob, listFiles, splitGlob } from './glob.js';

/**
 * Where the file connectors' files are: the local filesystem or an S3 bucket. Files are named by
 * absolute paths (local) or URLs (`s3a://bucket/key`); offsets hold names relative to a base, so
 * both read the same way.
 */
export interface FileLocation {
  /** The directory names are relative to: a directory, a file's directory, a glob's root. */
  base(path: string): Promise<string>;
  /** The files a path names (a file, a directory's data files, a glob's matches), sorted. */
  list(path: string): Promise<string[]>;
  /** Whether a path can be watched for new files (a directory, a key prefix). */
  watchable(path: string): Promise<boolean>;
  read(file: string): Promise<Uint8Array>;
  /** Write a whole file unless one exists there; false when it existed (nothing written). */
  writeIfAbsent(dir: string, name: string, bytes: string | Uint8Array): Promise<boolean>;
  join(base: string, relativeName: string): string;
  relative(base: string, file: string): string;
  /** How messages name a file. */
  display(file: string): string;
}

export const localFiles: FileLocation = {
  async base(path) {
    const abs = resolve(path);
    if (!isGlob(abs)) return (await stat(abs).catch(() => null))?.isFile() ? dirname(abs) : abs;
    return splitGlob(abs).root;
  },
  list: listFiles,
  async watchable(path) {
    return (await stat(path).catch(() => null))?.isDirectory() ?? false;
  },
  async read(file) {
    return readFile(file);
  },
  async writeIfAbsent(dir, name, bytes) {
    await mkdir(dir, { recursive: true });
    const target = join(dir, name);
    if (
      await access(target).then(
        () => true,
        () => false,
      )
    )
      return false;
    // Under a temporary name first, so a reader (or a stop in the middle) never sees half a file.
    const tmp = join(dir, `.${name}.tmp`);
    await writeFile(tmp, bytes);
    await rename(tmp, target);
    return true;
  },
  join: (base, name) => join(base, ...name.split('/')),
  relative: (base, file) => relative(base, file).split(sep).join('/'),
  display: (file) => relative(process.cwd(), file) || file,
};

/** Whether a relative key has a segment Spark skips (`_SUCCESS`, `.tmp` files, `_delta_log/`). */
function hidden(rel: string): boolean {
  return rel.split('/').some((s) => s.startsWith('_') || s.startsWith('.'));
}

/**
 * Files in a bucket. Keys have no directories: a path without wildcards names one object, or
 * else every object under `path/` (a "directory"); a glob's wildcards match within keys below
 * its root (picomatch syntax, as for local globs). PUTs are atomic, and `If-None-Match: *` makes
 * "write unless it exists" one request.
 */
export function s3Files(client: S3Client): FileLocation {
  const scheme = (url: string) => url.slice(0, url.indexOf('://'));
  const split = (url: string) => {
    const { bucket, key } = parseS3Url(url);
    return { bucket, key, prefix: `${scheme(url)}://${bucket}/` };
  };
  const globRoot = (key: string) => {
    const parts = key.split('/');
    const first = parts.findIndex((p) => isGlob(p));
    return { root: parts.slice(0, first).join('/'), pattern: parts.slice(first).join('/') };
  };
  const loc: FileLocation = {
    async base(path) {
      const { bucket, key, prefix } = split(path);
      if (isGlob(key)) return `${prefix}${globRoot(key).root}`.replace(/\/+$/, '');
      const k = key.replace(/\/+$/, '');
      if (!key.endsWith('/') && k !== '' && (await client.exists(bucket, k)))
        return `${prefix}${posix.dirname(k) === '.' ? '' : posix.dirname(k)}`.replace(/\/+$/, '');
      return `${prefix}${k}`.replace(/\/+$/, '');
    },
    async list(path) {
      const { bucket, key, prefix } = split(path);
      if (isGlob(key)) {
        const { root, pattern } = globRoot(key);
        const dir = root === '' ? '' : `${root}/`;
        const match = picomatch(pattern, { dot: true });
        return (await client.list(bucket, dir))
          .map((o) => o.key)
          .filter((k) => !k.endsWith('/') && match(k.slice(dir.length)))
          .map((k) => `${prefix}${k}`);
      }
      const k = key.replace(/\/+$/, '');
      const objects = await client.list(bucket, k);
      if (!key.endsWith('/') && objects.some((o) => o.key === k)) return [`${prefix}${k}`];
      const dir = k === '' ? '' : `${k}/`;
      return objects
        .map((o) => o.key)
        .filter((x) => x.startsWith(dir) && !x.endsWith('/') && !hidden(x.slice(dir.length)))
        .map((x) => `${prefix}${x}`);
    },
    async watchable(path) {
      const { bucket, key } = split(path);
      if (isGlob(key)) return false;
      const k = key.replace(/\/+$/, '');
      return k === '' || key.endsWith('/') || !(await client.exists(bucket, k));
    },
    async read(file) {
      const { bucket, key } = split(file);
      const bytes = await client.get(bucket, key);
      if (bytes === null) throw new Error(`${file} no longer exists`);
      return bytes;
    },
    async writeIfAbsent(dir, name, bytes) {
      const { bucket, key } = split(loc.join(dir, name));
      const body = typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes;
      return client.put(bucket, key, body, true);
    },
    join: (base, name) => `${base.replace(/\/+$/, '')}/${name}`,
    relative: (base, file) => file.slice(base.replace(/\/+$/, '').length + 1),
    display: (file) => file,
  };
  return loc;
}

export { isObjectStoreUrl };
