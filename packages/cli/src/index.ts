/** @pipekit/cli: the `pipe` command, and its pieces for other tools. */
export { exitCodes, formatError, UsageError } from './errors.js';
export { loadPipelines, withOnceTriggers } from './load-pipeline.js';
export { main, usage } from './main.js';
export { renderSvg } from './svg.js';
