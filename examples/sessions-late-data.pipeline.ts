/**
 * User sessions (30 minutes of inactivity close one) from a stream of page views. Views that
 * arrive after their session was closed are not lost: they go to a side output of their own.
 *
 *   pipe run examples/sessions-late-data.pipeline.ts
 *
 * It watches ./data/incoming/page-views for new JSON-lines files (write each elsewhere, then
 * move it in); tables, files and checkpoints go under ./data and ./checkpoints (WORK_DIR=/tmp/x
 * moves them all).
 */
import { count, first, last, lit, max, pipeline, session, source } from '@pipekit/core';
import { z } from 'zod';

const PageView = z.object({
  userId: z.string(),
  page: z.string(),
  durationMs: z.int(),
  ts: z.coerce.date(),
});

const dir = process.env.WORK_DIR ?? '.';

const views = source.file({
  path: `${dir}/data/incoming/page-views`,
  format: 'jsonl',
  watch: true,
  maxFilesPerTrigger: 10,
  schema: PageView,
});

const sessions = views
  .watermark('ts', '5 minutes')
  .window(session('30 minutes'))
  .groupBy('userId')
  .aggregate(
    { views: count(), entry: first('page'), exit: last('page'), longestView: max('durationMs') },
    { late: 'sideOutput' },
  );

// Both sinks take their rows from the same steps, so they run as one query, batch by batch, with
// one checkpoint (set on either sink).
export default pipeline('user-sessions', [
  sessions.sink.delta({ path: `${dir}/data/sessions`, checkpoint: `${dir}/checkpoints/sessions` }),
  sessions
    .lateRows()
    .withColumn('reason', lit('late'))
    .sink.file({ path: `${dir}/data/late-page-views`, format: 'jsonl' }),
]);
