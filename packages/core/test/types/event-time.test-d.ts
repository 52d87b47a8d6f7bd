/**
 * Event-time rules in the types: a window is on the watermark's column; one window per
 * aggregation; an aggregation appends only when a watermark makes its results final. Each error's
 * expected type is the rule and the fix.
 */

import { expectTypeOf } from 'vitest';
import { count, type InferRow, session, tumbling, type WindowArgs } from '../../src/index.js';
import { purchases } from './fixtures.js';

const p = purchases().withColumn('shipped', (r) => r.eventTime);
const marked = p.watermark('eventTime', '1 minute');
type P = InferRow<typeof p>;

// the window is on the watermark's column, given or not
marked.window(tumbling('1 minute')).aggregate({ n: count() });
marked.groupBy('userId').window(tumbling('1 minute'), { column: 'eventTime' });
// without a watermark, any time column, given
p.window(session('5 minutes'), { column: 'shipped' }).aggregate({ n: count() });

// @ts-expect-error a window on a column without the watermark
marked.window(tumbling('1 minute'), { column: 'shipped' });
// @ts-expect-error the same after groupBy
marked.groupBy('userId').window(tumbling('1 minute'), { column: 'shipped' });
// @ts-expect-error without a watermark the column must be given
p.window(tumbling('1 minute'));
// @ts-expect-error a second window
marked.groupBy('userId').window(tumbling('1 minute')).window(tumbling('2 minutes'));

expectTypeOf<WindowArgs<P, 'eventTime', 'shipped'>>().toEqualTypeOf<
  [
    options?: {
      readonly column?: "the window's column shipped has no watermark (it is on eventTime): window on eventTime, or put .watermark('shipped', delay) before the window";
    },
  ]
>();

// append needs the watermark to make results final: on the window, or among the keys
const byWindow = marked.window(tumbling('1 minute')).aggregate({ n: count() });
const byKey = marked.groupBy('userId', 'eventTime').aggregate({ n: count() });
const notByKey = marked.groupBy('userId').aggregate({ n: count() });
const unmarked = p.window(tumbling('1 minute'), { column: 'shipped' }).aggregate({ n: count() });
byWindow.sink.memory({ name: 'm', outputMode: 'append' });
byKey.sink.memory({ name: 'm', outputMode: 'append' });
notByKey.sink.memory({ name: 'm', outputMode: 'update' });
// @ts-expect-error a watermark not among an unwindowed aggregation's keys finalizes nothing
notByKey.sink.memory({ name: 'm', outputMode: 'append' });
// @ts-expect-error a window without a watermark never closes
unmarked.sink.memory({ name: 'm', outputMode: 'append' });
