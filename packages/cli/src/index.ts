/** @pipekit/cli: the `pipe` command, and its pieces for other tools. */
export { exitCodes, formatError, UsageError } from './errors.js';
export { loadPipelines, withOnceTriggers } from './load-pipeline.js';
export { main, usage } from './main.js';
export { renderSvg } from './svg.js';
export { type PipelineGraph, pipelineGraph } from './ui/graph.js';
export { UiServer, type UiServerOptions, type UiStatus } from './ui/ui-server.js';
