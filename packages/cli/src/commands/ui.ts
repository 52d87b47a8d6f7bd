import { loadPipelines } from '../load-pipeline.js';
import { pipelineGraph } from '../ui/graph.js';
import { openUi, type UiAddress } from '../ui/open-ui.js';
import { readRecording } from '../ui/replay.js';

/**
 * `pipe ui --from metrics.jsonl [pipeline.ts]`: the live UI's page over a recording, after the
 * fact, until Ctrl-C. The DAG comes from the recording's graph lines, or from the pipeline file.
 */
export async function uiCommand(
  from: string,
  pipelineFile: string | undefined,
  address: UiAddress,
  io: { stderr: NodeJS.WritableStream; signal: AbortSignal },
): Promise<number> {
  const recording = readRecording(from);
  let graphs = recording.graphs;
  if (pipelineFile !== undefined)
    graphs = (await loadPipelines(pipelineFile)).pipelines.map((p) => pipelineGraph(p.plan));
  if (graphs.length === 0)
    io.stderr.write(
      `pipe: ${from} has no graph line (recorded before pipe run --json wrote one, or by another tool): the page shows no DAG; give the pipeline file too to draw it\n`,
    );
  if (recording.unreadable > 0)
    io.stderr.write(`pipe: skipped ${recording.unreadable} unreadable line(s) of ${from}\n`);
  const ui = await openUi(graphs, address, { title: from, status: recording.status }, io.stderr);
  for (const r of recording.records) ui.onProgress(r);
  io.stderr.write('replaying; Ctrl-C to stop\n');
  await new Promise<void>((resolve) => {
    if (io.signal.aborted) resolve();
    io.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  await ui.stop();
  return 0;
}
