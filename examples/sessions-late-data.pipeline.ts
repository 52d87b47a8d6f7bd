/**
 * User sessions (30 minutes of inactivity close one) from a stream of page views. Views that
 * arrive after their session was closed are not lost: they go to a side output of their own.
 */
import { count, first, last, lit, max, pipeline, session, source } from '@pipekit/core';
import { z } from 'zod';

const PageView = z.object({
  userId: z.string(),
  page: z.string(),
  durationMs: z.int(),
  ts: z.coerce.date(),
});

const views = source.file({
  path: './data/incoming/page-views',
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

export default pipeline('user-sessions', [
  sessions.sink.delta({ path: './data/sessions', checkpoint: './checkpoints/sessions' }),
  sessions.lateRows().withColumn('reason', lit('late')).sink.file({
    path: './data/late-page-views',
    format: 'jsonl',
    checkpoint: './checkpoints/late-page-views',
  }),
]);
