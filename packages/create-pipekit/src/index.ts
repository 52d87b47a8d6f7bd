/**
 * create-pipekit: scaffolds a pipekit project (`npm create pipekit my-pipelines`, or
 * `npx pipe init my-pipelines`).
 *
 * ```ts
 * import { scaffold } from 'create-pipekit';
 * const { files } = scaffold('./my-pipelines');
 * ```
 */

export { main } from './bin.js';
export { type ScaffoldOptions, type ScaffoldResult, scaffold } from './scaffold.js';
